from django.contrib import admin

from billing.models import EligibilityHold


@admin.register(EligibilityHold)
class EligibilityHoldAdmin(admin.ModelAdmin):
    list_display = ["customer", "purpose", "reason", "starts_on", "ends_on", "source"]
    list_filter = ["purpose", "reason"]
    search_fields = ["customer__customer_id", "customer__secondary_id", "detail", "source"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    date_hierarchy = "starts_on"
