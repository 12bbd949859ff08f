from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from enrollment import workflow
from enrollment.models import Enrollment, EnrollmentStatusChange, Order, ServiceOrder, Status
from enrollment.services import TransitionError, enrollment_transition
from portal.admin_actions import bulk_transition_action


class EnrollmentAdminForm(forms.ModelForm):
    transition_to = forms.ChoiceField(label=_("move to"), required=False, choices=())
    transition_note = forms.CharField(
        label=_("note to the customer"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Enrollment
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        targets = workflow.next_statuses(from_status=self.instance.status, actor=workflow.STAFF)
        self.fields["transition_to"].choices = [("", _("— keep the status —"))] + [
            (s, Status(s).label) for s in targets
        ]


class StatusChangeInline(admin.TabularInline):
    model = EnrollmentStatusChange
    fields = ["at", "from_status", "to_status", "actor", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _bulk(to_status: str, label):
    return bulk_transition_action(
        to_status=to_status,
        label=label,
        prepare=lambda queryset: queryset.select_related("product"),
        move=lambda obj, status, user: enrollment_transition(
            enrollment=obj, to_status=status, actor=workflow.STAFF, by=user
        ),
        done_message=lambda n: (
            ngettext("%(n)d enrolment moved.", "%(n)d enrolments moved.", n) % {"n": n}
        ),
    )


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    form = EnrollmentAdminForm
    list_display = [
        "order",
        "product",
        "customer",
        "status",
        "fulfilment",
        "status_changed_at",
        "service_order_number",
    ]
    list_filter = ["status", "fulfilment", "product__category", "product"]
    search_fields = [
        "order__number",
        "customer__customer_id",
        "customer__last_name",
        "premise__premise_id",
        "service_order__number",
    ]
    list_select_related = ["order", "product", "customer", "service_order"]
    readonly_fields = [
        "order",
        "customer",
        "premise",
        "product",
        "bundle",
        "status",
        "status_changed_at",
        "fulfilment",
        "external_reference",
    ]
    fieldsets = [
        (None, {"fields": readonly_fields}),
        (_("Change the status"), {"fields": ["transition_to", "transition_note"]}),
    ]
    inlines = [StatusChangeInline]
    date_hierarchy = "status_changed_at"
    show_full_result_count = False
    actions = [
        _bulk(Status.UNDER_REVIEW, _("Move to: under review")),
        _bulk(Status.APPROVED, _("Move to: approved")),
        _bulk(Status.ACTIVE, _("Move to: active")),
        _bulk(Status.REJECTED, _("Move to: not approved")),
        _bulk(Status.WITHDRAWN, _("Move to: withdrawn (de-enrol)")),
    ]

    @admin.display(description=_("service order"))
    def service_order_number(self, obj):
        try:
            return obj.service_order.number
        except ServiceOrder.DoesNotExist:
            return "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        target = form.cleaned_data.get("transition_to")
        if not target:
            return
        try:
            enrollment_transition(
                enrollment=obj,
                to_status=target,
                actor=workflow.STAFF,
                by=request.user,
                note=form.cleaned_data.get("transition_note", ""),
            )
        except TransitionError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    fields = ["product", "bundle", "status", "status_changed_at", "fulfilment"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "user", "placed_at"]
    search_fields = ["number", "customer__customer_id", "customer__last_name", "user__email"]
    list_select_related = ["customer", "user"]
    readonly_fields = ["number", "user", "customer", "cart", "terms_accepted_at", "placed_at"]
    inlines = [EnrollmentInline]
    date_hierarchy = "placed_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceOrder)
class ServiceOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "status", "enrollment", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "enrollment__order__number", "enrollment__customer__customer_id"]
    list_select_related = ["enrollment__order", "enrollment__product"]
    readonly_fields = ["number", "enrollment", "kind"]
    fields = ["number", "enrollment", "kind", "status", "notes"]

    def has_add_permission(self, request):
        return False
