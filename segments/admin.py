from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from segments.forms import SegmentConditionForm
from segments.models import CustomerProfile, Segment, SegmentCondition
from segments.selectors import segment_member_preview
from segments.services import segment_refresh


class SegmentConditionInline(admin.TabularInline):
    model = SegmentCondition
    form = SegmentConditionForm
    extra = 1


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "match", "is_active", "member_count", "refreshed_at"]
    list_filter = ["is_active", "match"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["member_count", "refreshed_at", "member_preview"]
    fields = [
        "name",
        "slug",
        "description",
        "match",
        "is_active",
        "member_count",
        "refreshed_at",
        "member_preview",
    ]
    inlines = [SegmentConditionInline]
    actions = ["refresh_members"]

    @admin.display(description=_("members (first 25)"))
    def member_preview(self, obj):
        if obj.pk is None:
            return "—"
        members = list(segment_member_preview(segment=obj))
        if not members:
            return _("No members. Save, then use “Refresh membership” in the list.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> · {}</li>',
                (
                    (
                        reverse("admin:billing_customer_change", args=[c.pk]),
                        c,
                        c.premise.full_address,
                    )
                    for c in members
                ),
            ),
        )

    @admin.action(description=_("Refresh membership of the selected segments"))
    def refresh_members(self, request, queryset):
        for segment in queryset:
            segment_refresh(segment=segment)
        self.message_user(
            request,
            ngettext("Refreshed %d segment.", "Refreshed %d segments.", queryset.count())
            % queryset.count(),
            messages.SUCCESS,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        segment_refresh(segment=form.instance)


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = [
        "customer",
        "owns_solar",
        "owns_ev",
        "owns_agricultural_pump",
        "income_qualified",
        "yearly_kwh",
        "summer_peak_share",
    ]
    list_filter = ["owns_solar", "owns_ev", "owns_agricultural_pump", "income_qualified"]
    search_fields = ["customer__customer_id", "customer__last_name", "customer__premise__zip_code"]
    raw_id_fields = ["customer"]
    readonly_fields = ["yearly_kwh", "summer_peak_share", "usage_computed_at"]
    list_select_related = ["customer__premise"]
    show_full_result_count = False
