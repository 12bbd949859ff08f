from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class ActiveAccountFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("inactive", _("Inactive"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(inactive_date__isnull=True)
        if self.value() == "inactive":
            return queryset.filter(inactive_date__isnull=False)
        return queryset


class EstimatedFilter(admin.SimpleListFilter):
    title = _("read type")
    parameter_name = "estimated"

    def lookups(self, request, model_admin):
        return [("yes", _("Estimated (E or U)")), ("no", _("Actual"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(is_estimate="A")
        if self.value() == "no":
            return queryset.filter(is_estimate="A")
        return queryset
