from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalog.forms import EligibilityRuleForm
from catalog.models import (
    Bundle,
    BundleAddition,
    BundleItem,
    Category,
    EligibilityRule,
    Product,
    ProductRelation,
)


def fulfilment_kind_choices(current: str = "") -> list[tuple[str, str]]:
    kinds = list(getattr(settings, "ENROLLMENT_FULFILMENT_HANDLERS", {}) or {"generic": ""})
    if current and current not in kinds:
        kinds.append(current)
    return [(kind, kind) for kind in kinds]


class ProductAdminForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("kind"),
        help_text=_("Selects the fulfilment handler that acts when an enrolment is placed."),
    )

    class Meta:
        model = Product
        exclude: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = fulfilment_kind_choices(self.instance.kind)


class ProductRuleInline(admin.TabularInline):
    model = EligibilityRule
    form = EligibilityRuleForm
    fk_name = "product"
    extra = 0


class BundleRuleInline(ProductRuleInline):
    fk_name = "bundle"


class ProductRelationInline(admin.TabularInline):
    model = ProductRelation
    fk_name = "from_product"
    autocomplete_fields = ["to_product"]
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    list_editable = ["sort_order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    list_display = [
        "name",
        "category",
        "kind",
        "audience",
        "fuel",
        "fulfilment",
        "publish_at",
        "withdraw_at",
        "is_featured",
    ]
    list_filter = ["category", "audience", "fuel", "fulfilment", "kind", "is_featured"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["category"]
    inlines = [ProductRuleInline, ProductRelationInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "summary", "is_featured", "sort_order"]}),
        (_("Customer-facing text"), {"fields": ["description", "benefits", "terms"]}),
        (_("Picture"), {"fields": ["image", "image_alt", "illustration"]}),
        (_("Who it is for"), {"fields": ["audience", "fuel", "rule_mode", "exclusive_group"]}),
        (_("Fulfilment"), {"fields": ["kind", "fulfilment", "handler_params"]}),
        (_("Publication"), {"fields": ["publish_at", "withdraw_at"]}),
    ]


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    autocomplete_fields = ["product"]
    extra = 0


class BundleAdditionInline(admin.TabularInline):
    model = BundleAddition
    autocomplete_fields = ["product"]
    extra = 0


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "audience", "additions_policy", "publish_at", "withdraw_at"]
    list_filter = ["category", "audience", "additions_policy"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["category"]
    inlines = [BundleItemInline, BundleAdditionInline, BundleRuleInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "summary", "description", "sort_order"]}),
        (_("Picture"), {"fields": ["image", "image_alt", "illustration"]}),
        (_("Who it is for"), {"fields": ["audience", "rule_mode", "additions_policy"]}),
        (_("Publication"), {"fields": ["publish_at", "withdraw_at"]}),
    ]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    form = EligibilityRuleForm
    list_display = ["__str__", "product", "bundle", "customer_message"]
    list_filter = ["rule_type"]
    list_select_related = ["product", "bundle"]
    raw_id_fields = ["product", "bundle"]
    fields = ["product", "bundle", "rule_type", "params", "customer_message", "sort_order"]
