from django.contrib import admin

from billing.models import ClaimAttempt, HouseholdInvitation


@admin.register(ClaimAttempt)
class ClaimAttemptAdmin(admin.ModelAdmin):
    """The audit log of account claims; read-only (it is also the rate limit)."""

    list_display = ["created_at", "user", "ip", "identifier", "method", "outcome"]
    list_filter = ["outcome", "method"]
    search_fields = ["identifier", "user__email", "ip"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HouseholdInvitation)
class HouseholdInvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "customer",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    search_fields = ["email", "customer__customer_id", "invited_by__email"]
    list_select_related = ["customer", "invited_by"]
    raw_id_fields = ["customer", "invited_by", "accepted_by"]
    readonly_fields = ["token"]
    exclude = []

    def get_readonly_fields(self, request, obj=None):
        return ["token", "accepted_at", "accepted_by"]
