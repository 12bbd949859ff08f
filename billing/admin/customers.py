from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from billing.admin.eligibility import eligibility_panel_html
from billing.admin.filters import ActiveAccountFilter
from billing.models import Account, Customer, CustomerAccess, Premise, RateCode, ServicePoint


class ServicePointInline(admin.TabularInline):
    model = ServicePoint
    fields = ["service_point_id", "fuel", "meter_id", "meter_type"]
    show_change_link = True
    extra = 0


class CustomerInline(admin.TabularInline):
    model = Customer
    fields = ["customer_id", "secondary_id", "first_name", "last_name", "customer_type"]
    show_change_link = True
    extra = 0


@admin.register(Premise)
class PremiseAdmin(admin.ModelAdmin):
    list_display = [
        "premise_id",
        "street_address",
        "city",
        "state",
        "zip_code",
        "dwelling_type",
        "heating_fuel",
        "square_feet",
    ]
    list_filter = ["dwelling_type", "heating_fuel", "state", "service_points__fuel"]
    search_fields = [
        "premise_id",
        "street_name",
        "house_number",
        "city",
        "zip_code",
        "service_points__service_point_id",
        "customers__customer_id",
    ]
    fieldsets = [
        (None, {"fields": ["premise_id"]}),
        (
            _("Service address"),
            {"fields": ["house_number", "street_name", "unit", "city", "state", "zip_code"]},
        ),
        (
            _("Building"),
            {
                "fields": [
                    "dwelling_type",
                    "square_feet",
                    "heating_fuel",
                    "year_built",
                    "latitude",
                    "longitude",
                ]
            },
        ),
    ]
    inlines = [ServicePointInline, CustomerInline]
    show_full_result_count = False


class AccountInline(admin.TabularInline):
    model = Account
    fk_name = "customer"
    fields = [
        "account_id",
        "service_point",
        "active_date",
        "inactive_date",
        "rate_code",
        "read_cycle",
    ]
    raw_id_fields = ["service_point"]
    show_change_link = True
    extra = 0


class CustomerAccessInline(admin.TabularInline):
    model = CustomerAccess
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["customer_id", "secondary_id", "name", "premise", "customer_type", "language"]
    list_filter = [
        "customer_type",
        "language",
        "premise__dwelling_type",
        "accounts__service_point__fuel",
        "accounts__rate_code",
    ]
    search_fields = [
        "customer_id",
        "secondary_id",
        "last_name",
        "email",
        "premise__premise_id",
        "premise__street_name",
        "premise__zip_code",
        "accounts__account_id",
        "accounts__service_point__service_point_id",
    ]
    list_select_related = ["premise"]
    raw_id_fields = ["premise"]
    inlines = [AccountInline, CustomerAccessInline]
    show_full_result_count = False
    readonly_fields = ["eligibility"]

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, obj):
        return obj.name

    @admin.display(description=_("eligibility"))
    def eligibility(self, obj):
        return eligibility_panel_html(obj)


@admin.register(RateCode)
class RateCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "is_allowlisted", "exclusion_reason", "is_net_metering"]
    list_filter = ["is_allowlisted", "is_net_metering"]
    search_fields = ["code", "description"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = [
        "account_id",
        "customer",
        "service_point",
        "active_date",
        "inactive_date",
        "rate_code",
        "read_cycle",
        "is_active",
    ]
    list_filter = [ActiveAccountFilter, "rate_code", "service_point__fuel", "read_cycle"]
    search_fields = [
        "account_id",
        "customer__customer_id",
        "customer__secondary_id",
        "customer__last_name",
        "service_point__service_point_id",
        "service_point__premise__street_name",
        "service_point__premise__premise_id",
    ]
    list_select_related = ["customer", "service_point", "rate_code"]
    raw_id_fields = ["customer", "service_point"]
    show_full_result_count = False

    @admin.display(boolean=True, description=_("active"))
    def is_active(self, obj):
        return obj.is_active


@admin.register(CustomerAccess)
class CustomerAccessAdmin(admin.ModelAdmin):
    list_display = ["user", "customer", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "customer__customer_id", "customer__secondary_id"]
    list_select_related = ["user", "customer"]
    raw_id_fields = ["user", "customer"]
