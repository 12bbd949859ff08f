from django.contrib import admin

from portal.models import UtilityProfile, WorkerHeartbeat
from portal.utility import utility_cache_clear


@admin.register(UtilityProfile)
class UtilityProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "support_phone", "support_email", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "logo", "primary_color"]}),
        ("Contact", {"fields": ["support_phone", "support_email", "website", "postal_address"]}),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not UtilityProfile.objects.exists()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        utility_cache_clear()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        utility_cache_clear()


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "seen_at"]
    readonly_fields = ["hostname", "seen_at"]

    def has_add_permission(self, request):
        return False
