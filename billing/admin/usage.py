from django.contrib import admin

from billing.admin.filters import EstimatedFilter
from billing.models import UsageValue
from portal.paginators import EstimatedCountPaginator


@admin.register(UsageValue)
class UsageValueAdmin(admin.ModelAdmin):
    list_display = [
        "service_point",
        "start_date",
        "date_to",
        "duration",
        "usage_value",
        "unit",
        "usage_charge",
        "is_estimate",
    ]
    list_filter = [EstimatedFilter, "is_estimate", "unit", "service_point__fuel"]
    # Exact matches only: a substring search over millions of rows would scan.
    search_fields = ["=service_point__service_point_id", "=service_point__premise__premise_id"]
    list_select_related = ["service_point"]
    raw_id_fields = ["service_point"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    ordering = ["-date_to"]
    list_per_page = 50
