from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from content import workflow
from content.models import (
    ContactRequest,
    ContactRequestStatusChange,
    ContactStatus,
    FaqCategory,
    FaqQuestion,
    Page,
)
from content.services import TransitionError, contact_request_transition
from portal.admin_actions import bulk_transition_action


class FaqQuestionInline(admin.TabularInline):
    model = FaqQuestion
    fields = ["question", "sort_order", "is_published", "is_top"]
    extra = 0
    show_change_link = True


@admin.register(FaqCategory)
class FaqCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order", "is_published", "published_questions"]
    list_editable = ["sort_order", "is_published"]
    list_filter = ["is_published"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "name_es", "slug"]
    inlines = [FaqQuestionInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "sort_order", "is_published"]}),
        (_("Spanish"), {"fields": ["name_es", "description_es"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_published=Count("questions", filter=Q(questions__is_published=True)))
        )

    @admin.display(description=_("published questions"), ordering="_published")
    def published_questions(self, obj):
        return obj._published


def _publish(value: bool, label):
    def action(modeladmin, request, queryset):
        count = queryset.update(is_published=value)
        modeladmin.message_user(
            request,
            ngettext("%(n)d entry updated.", "%(n)d entries updated.", count) % {"n": count},
            messages.SUCCESS,
        )

    action.__name__ = "publish" if value else "unpublish"
    action.allowed_permissions = ("change",)
    action.short_description = label
    return action


@admin.register(FaqQuestion)
class FaqQuestionAdmin(admin.ModelAdmin):
    list_display = [
        "question",
        "category",
        "sort_order",
        "is_published",
        "is_top",
        "helpful_yes",
        "helpful_no",
    ]
    list_editable = ["sort_order", "is_published", "is_top"]
    list_filter = ["category", "is_published", "is_top"]
    list_select_related = ["category"]
    search_fields = ["question", "question_es", "answer", "answer_es"]
    readonly_fields = ["helpful_yes", "helpful_no"]
    actions = [_publish(True, _("Publish")), _publish(False, _("Unpublish"))]
    fieldsets = [
        (None, {"fields": ["category", "question", "answer", "sort_order"]}),
        (_("Spanish"), {"fields": ["question_es", "answer_es"]}),
        (_("Publication"), {"fields": ["is_published", "is_top"]}),
        (_("Was this helpful?"), {"fields": ["helpful_yes", "helpful_no"]}),
    ]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "show_in_footer", "sort_order", "updated_at"]
    list_editable = ["is_published", "show_in_footer", "sort_order"]
    list_filter = ["is_published", "show_in_footer"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "title_es", "summary", "body"]
    actions = [_publish(True, _("Publish")), _publish(False, _("Unpublish"))]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (_("Spanish"), {"fields": ["title_es", "summary_es", "body_es"]}),
        (_("Publication"), {"fields": ["is_published", "show_in_footer", "sort_order"]}),
    ]


class ContactRequestAdminForm(forms.ModelForm):
    transition_to = forms.ChoiceField(label=_("move to"), required=False, choices=())
    transition_note = forms.CharField(label=_("internal note"), required=False, max_length=300)

    class Meta:
        model = ContactRequest
        fields = ["staff_notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        targets = workflow.next_statuses(from_status=self.instance.status)
        self.fields["transition_to"].choices = [("", _("— keep the status —"))] + [
            (s, ContactStatus(s).label) for s in targets
        ]


class StatusChangeInline(admin.TabularInline):
    model = ContactRequestStatusChange
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _move(to_status: str, label):
    return bulk_transition_action(
        to_status=to_status,
        label=label,
        move=lambda obj, status, user: contact_request_transition(
            request=obj, to_status=status, by=user
        ),
        done_message=lambda n: (
            ngettext("%(n)d request moved.", "%(n)d requests moved.", n) % {"n": n}
        ),
    )


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    form = ContactRequestAdminForm
    list_display = ["number", "created_at", "topic", "name", "email", "status", "handled_by"]
    list_filter = ["status", "topic", "language", "created_at"]
    search_fields = ["number", "name", "email", "message"]
    list_select_related = ["handled_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "number",
        "created_at",
        "topic",
        "name",
        "email",
        "phone",
        "message",
        "language",
        "user",
        "premise",
        "status",
        "handled_by",
        "in_progress_at",
        "resolved_at",
    ]
    fieldsets = [
        (None, {"fields": ["number", "created_at", "topic", "status", "handled_by"]}),
        (_("From"), {"fields": ["name", "email", "phone", "language", "user", "premise"]}),
        (_("Message"), {"fields": ["message"]}),
        (_("Handling"), {"fields": ["staff_notes", "transition_to", "transition_note"]}),
        (_("Timestamps"), {"fields": ["in_progress_at", "resolved_at"]}),
    ]
    inlines = [StatusChangeInline]
    actions = [
        _move(ContactStatus.IN_PROGRESS, _("Move to: in progress")),
        _move(ContactStatus.RESOLVED, _("Move to: resolved")),
    ]

    def has_add_permission(self, request):
        # Requests come from customers through the contact form.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        target = form.cleaned_data.get("transition_to")
        if not target:
            return
        try:
            contact_request_transition(
                request=obj,
                to_status=target,
                by=request.user,
                note=form.cleaned_data.get("transition_note", ""),
            )
        except TransitionError as exc:
            messages.warning(request, " ".join(exc.messages))
