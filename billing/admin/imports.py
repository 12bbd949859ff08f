"""Data file imports: upload (a Celery task), progress, and row errors.

A run page shows the outcome and the first row errors; the full list of an
import's errors is the row-error list filtered to that import, paginated.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from billing.forms import DataFileUploadForm
from billing.models import ImportRowError, ImportRun, ImportStatus
from billing.services import import_run_create

ERRORS_ON_RUN_PAGE = 20


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "file_name",
        "kind",
        "status_badge",
        "rows_total",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "started_at",
        "duration",
    ]
    list_display_links = ["id", "file_name"]
    list_filter = ["kind", "status", "layout"]
    search_fields = ["file_name", "=checksum"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    change_form_template = "admin/billing/importrun/change_form.html"
    add_form_template = "admin/billing/importrun/upload.html"
    fieldsets = [
        (None, {"fields": ["file_name", "kind", "layout", "status", "message"]}),
        (
            _("Outcome"),
            {
                "fields": [
                    "rows_total",
                    "created",
                    "updated",
                    "unchanged",
                    "rejected",
                    "max_rejected_share",
                    "changes",
                ]
            },
        ),
        (
            _("File"),
            {
                "fields": [
                    "checksum",
                    "size_bytes",
                    "utility_code",
                    "spec_version",
                    "file_timestamp",
                    "interval_minutes",
                    "forced",
                    "duplicate_of",
                    "requested_by",
                    "upload",
                ]
            },
        ),
        (_("Timing"), {"fields": ["created_at", "started_at", "finished_at", "duration"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ImportRun._meta.fields] + ["created_at", "duration", "changes"]

    @admin.display(description=_("changes by entity"))
    def changes(self, obj):
        items = []
        for entity, value in (obj.details or {}).items():
            label = entity.replace("_", " ").capitalize()
            if isinstance(value, dict):
                text = ", ".join(f"{key} {count}" for key, count in value.items())
            elif isinstance(value, list):
                text = ", ".join(str(v) for v in value) or "—"
            else:
                text = str(value)
            items.append((label, text))
        if not items:
            return "—"
        return format_html(
            '<ul class="import-changes">{}</ul>',
            format_html_join("", "<li><strong>{}:</strong> {}</li>", items),
        )

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="import-status import-status-{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description=_("duration"))
    def duration(self, obj):
        seconds = obj.duration_seconds
        return "—" if seconds is None else f"{seconds:,.1f} s"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """The upload page: store the file and queue its import."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DataFileUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            run = import_run_create(
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                force=form.cleaned_data["force"],
                max_rejected_share=(
                    None
                    if form.cleaned_data["max_rejected_percent"] is None
                    else form.cleaned_data["max_rejected_percent"] / 100
                ),
                requested_by=request.user,
            )
            run.refresh_from_db()
            level = messages.SUCCESS if run.status != ImportStatus.REJECTED else messages.ERROR
            self.message_user(
                request,
                _("“%(name)s”: %(status)s.")
                % {"name": run.file_name, "status": run.get_status_display()},
                level,
            )
            return redirect(reverse("admin:billing_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload a data file"),
            "opts": self.opts,
            "form": form,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, self.add_form_template, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        run = self.get_object(request, object_id)
        if run is not None:
            extra_context["run"] = run
            extra_context["first_errors"] = list(
                run.row_errors.order_by("line", "id")[:ERRORS_ON_RUN_PAGE]
            )
            extra_context["stored_errors"] = run.row_errors.count()
            extra_context["errors_url"] = (
                reverse("admin:billing_importrowerror_changelist") + f"?run__id__exact={run.pk}"
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ImportRowError)
class ImportRowErrorAdmin(admin.ModelAdmin):
    list_display = ["line", "column", "value", "reason", "run"]
    list_filter = ["run__kind", "column"]
    search_fields = ["reason", "value", "=run__file_name"]
    list_select_related = ["run"]
    list_per_page = 100
    show_full_result_count = False
    ordering = ["run", "line", "id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
