from django.contrib import admin

from insights.models import NeighborComparison


@admin.register(NeighborComparison)
class NeighborComparisonAdmin(admin.ModelAdmin):
    """Read-only: rows are recomputed by `neighbor_comparisons_refresh`."""

    list_display = [
        "service_point",
        "customer",
        "period_end",
        "neighbors",
        "usage_per_day",
        "average_per_day",
        "efficient_per_day",
        "computed_at",
    ]
    list_filter = ["fuel", "scope", "period_end"]
    search_fields = ["service_point__service_point_id", "customer__customer_id"]
    list_select_related = ["service_point", "customer"]
    raw_id_fields = ["customer", "service_point"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
