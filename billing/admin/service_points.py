from django.contrib import admin
from django.core.paginator import Paginator

from billing.models import Account, ServicePoint, UsageValue
from billing.selectors import interval_read_page

USAGE_PAGE_SIZE = 24


class ServicePointAccountInline(admin.TabularInline):
    model = Account
    fk_name = "service_point"
    fields = ["account_id", "customer", "active_date", "inactive_date", "rate_code", "read_cycle"]
    raw_id_fields = ["customer"]
    show_change_link = True
    extra = 0


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["service_point_id", "premise", "fuel", "meter_id", "meter_type"]
    list_filter = ["fuel", "meter_type"]
    search_fields = [
        "service_point_id",
        "meter_id",
        "premise__premise_id",
        "premise__street_name",
        "accounts__account_id",
    ]
    list_select_related = ["premise"]
    raw_id_fields = ["premise"]
    inlines = [ServicePointAccountInline]
    show_full_result_count = False
    change_form_template = "admin/billing/servicepoint/change_form.html"

    def has_delete_permission(self, request, obj=None):
        # A service point ID lasts as long as the location (seed 002).
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        service_point = self.get_object(request, object_id)
        if service_point is not None and request.user.has_perm("billing.view_usagevalue"):
            # Usage is shown a page at a time and read-only: a service point
            # can carry decades of periods and millions of interval reads.
            usage = UsageValue.objects.filter(service_point=service_point).order_by("-date_to")
            page = Paginator(usage, USAGE_PAGE_SIZE).get_page(request.GET.get("usage_page"))
            extra_context["usage_page"] = page
            extra_context["recent_reads"] = interval_read_page(
                service_point=service_point, limit=48
            )
        return super().change_view(request, object_id, form_url, extra_context)
