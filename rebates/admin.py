"""Staff pages for peak time rebates: programs, tracks, participants, events.

Events are called here (the add form runs every scheduling rule), moved only
by the workflow service, and each has a dashboard: participants, messages,
settlement totals and the participants still pending, with the reason.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from rebates import services
from rebates.export import rebate_file_text
from rebates.forms import PeakEventScheduleForm, PtrProgramForm, TrackForm
from rebates.models import (
    EventCommunication,
    EventResult,
    EventStatus,
    ExcludedDay,
    Participant,
    PeakEvent,
    PeakEventStatusChange,
    PtrProgram,
    ResultStatus,
    SettlementAdjustment,
    Track,
)
from rebates.workflow import TransitionError

PENDING_SHOWN = 50


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    form = TrackForm
    list_display = [
        "name",
        "channels",
        "notify_day_before",
        "notify_day_of",
        "same_day_reminder",
        "send_results",
        "post_event_content",
    ]
    fieldsets = [
        (None, {"fields": ["name", "channels"]}),
        (
            _("Before the event"),
            {
                "fields": [
                    ("notify_day_before", "day_before_at"),
                    ("notify_day_of", "day_of_at"),
                    ("same_day_reminder", "reminder_minutes_before"),
                ]
            },
        ),
        (_("After the event"), {"fields": ["send_results", "post_event_content"]}),
    ]


class ExcludedDayInline(admin.TabularInline):
    model = ExcludedDay
    extra = 1
    fields = ["day", "kind", "note"]


@admin.register(PtrProgram)
class PtrProgramAdmin(admin.ModelAdmin):
    form = PtrProgramForm
    list_display = [
        "name",
        "code",
        "is_active",
        "participation",
        "rebate_per_kwh",
        "baseline_method",
        "season_starts_on",
        "season_ends_on",
    ]
    list_filter = ["is_active", "participation"]
    search_fields = ["name", "code"]
    filter_horizontal = ["eligible_rate_codes"]
    inlines = [ExcludedDayInline]
    actions = ["sync_participants"]
    fieldsets = [
        (None, {"fields": ["name", "code", "is_active", "description"]}),
        (
            _("Season and rebate"),
            {
                "fields": [
                    ("season_starts_on", "season_ends_on"),
                    "rebate_per_kwh",
                    "enabling_technology_rebate_per_kwh",
                ]
            },
        ),
        (
            _("When events may be called"),
            {
                "fields": [
                    ("earliest_start", "latest_end"),
                    "max_event_hours",
                    "event_weekdays",
                    "max_events_per_season",
                ]
            },
        ),
        (
            _("Baseline"),
            {
                "fields": [
                    "baseline_method",
                    "baseline_params",
                    "baseline_lookback_days",
                    "exclude_prior_event_days",
                    "exclude_outage_days",
                ],
                "description": _("Holidays, outage days and other abnormal days are listed below."),
            },
        ),
        (
            _("Participation and messages"),
            {"fields": ["participation", "eligible_rate_codes", "default_track"]},
        ),
    ]

    @admin.action(
        description=_("Update participants from accounts and eligibility"), permissions=["change"]
    )
    def sync_participants(self, request, queryset):
        for program in queryset:
            counts = services.ptr_participants_sync(program=program)
            self.message_user(
                request,
                _("%(program)s: %(created)d added, %(excluded)d excluded, %(back)d reactivated.")
                % {
                    "program": program,
                    "created": counts.created,
                    "excluded": counts.excluded,
                    "back": counts.reactivated,
                },
            )


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = [
        "customer",
        "service_point",
        "program",
        "status",
        "reason",
        "enrolled_via",
        "enabling_technology",
        "zone",
        "track",
    ]
    list_filter = [
        "program",
        "status",
        "reason_code",
        "enrolled_via",
        "enabling_technology",
        "track",
    ]
    search_fields = [
        "customer__customer_id",
        "customer__secondary_id",
        "customer__last_name",
        "service_point__service_point_id",
        "account__account_id",
        "zone",
    ]
    list_select_related = ["customer__premise", "service_point", "program", "track"]
    raw_id_fields = ["customer", "service_point", "account"]
    readonly_fields = [
        "enrolled_at",
        "calendar_token",
        "reason_code",
        "reason",
        "status",
        "enrolled_via",
    ]
    show_full_result_count = False

    def has_add_permission(self, request):
        # Participants come from accounts (automatic) or ptr_participant_enroll.
        return False


class StatusHistoryInline(admin.TabularInline):
    model = PeakEventStatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    verbose_name_plural = _("status history")

    def has_add_permission(self, request, obj=None):
        return False


class CommunicationInline(admin.TabularInline):
    model = EventCommunication
    extra = 0
    can_delete = False
    fields = [
        "kind",
        "day",
        "track",
        "due_at",
        "deadline_at",
        "status",
        "sent_at",
        "recipients",
        "note",
    ]
    readonly_fields = fields
    verbose_name_plural = _("pre-event message waves")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PeakEvent)
class PeakEventAdmin(admin.ModelAdmin):
    list_display = ["__str__", "program", "kind", "zone", "segment", "status", "dashboard_link"]
    list_filter = ["program", "status", "kind"]
    date_hierarchy = "start_date"
    actions = ["cancel", "settle_pending", "recompute", "close_settlement", "export_rebates"]
    readonly_fields = [
        "program",
        "start_date",
        "end_date",
        "start_time",
        "end_time",
        "kind",
        "zone",
        "segment",
        "status",
        "starts_at",
        "ends_at",
        "baseline_method",
        "baseline_params",
        "announced_at",
        "settled_at",
        "created_by",
        "dashboard_link",
    ]
    inlines = [StatusHistoryInline, CommunicationInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = PeakEventScheduleForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(PeakEventScheduleForm.Meta.fields)
        return [*self.readonly_fields, "note"]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["note", "updated_at"])
            return
        data = form.cleaned_data
        try:
            event = services.peak_event_schedule(
                program=data["program"],
                start_date=data["start_date"],
                end_date=data.get("end_date"),
                start_time=data["start_time"],
                end_time=data["end_time"],
                kind=data["kind"],
                zone=data.get("zone") or "",
                segment=data.get("segment"),
                note=data.get("note") or "",
                actor=request.user,
            )
        except ValidationError as exc:
            # Another event was called between the form check and the save.
            raise PermissionDenied("; ".join(exc.messages)) from exc
        # The admin goes on with `obj` (log entry, redirect): make it the saved event.
        obj.__dict__.update(event.__dict__)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:rebates_peakevent_dashboard", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Dashboard"))

    # Actions -----------------------------------------------------------------

    @admin.action(description=_("Cancel (only before customers were told)"), permissions=["change"])
    def cancel(self, request, queryset):
        for event in queryset:
            try:
                services.peak_event_cancel(
                    event=event, actor=request.user, note="Cancelled in admin."
                )
            except TransitionError as exc:
                self.message_user(request, f"{event}: {exc}", messages.ERROR)
            else:
                self.message_user(request, _("%(event)s cancelled.") % {"event": event})

    @admin.action(description=_("Settle pending participants now"), permissions=["change"])
    def settle_pending(self, request, queryset):
        self._settle(request, queryset, recompute=False)

    @admin.action(
        description=_("Recompute with current data (changes to sent results become adjustments)"),
        permissions=["change"],
    )
    def recompute(self, request, queryset):
        self._settle(request, queryset, recompute=True)

    def _settle(self, request, queryset, *, recompute):
        for event in queryset:
            try:
                counts = services.peak_event_settle(
                    event=event,
                    recompute=recompute,
                    reason=f"Recomputed by {request.user} on {timezone.localdate()}.",
                )
            except ValidationError as exc:
                self.message_user(request, f"{event}: {'; '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "%(event)s: %(n)d considered, %(settled)d settled, %(pending)d pending, "
                        "%(adjusted)d adjustments."
                    )
                    % {
                        "event": event,
                        "n": counts.get("considered", 0),
                        "settled": counts.get("settled", 0),
                        "pending": counts.get("pending", 0),
                        "adjusted": counts.get("adjusted", 0),
                    },
                )

    @admin.action(
        description=_("Close settlement (pending participants get no rebate)"),
        permissions=["change"],
    )
    def close_settlement(self, request, queryset):
        for event in queryset:
            if event.status not in (EventStatus.COMPLETED, EventStatus.SETTLED):
                self.message_user(request, f"{event}: not completed yet.", messages.ERROR)
                continue
            closed = services.peak_event_settlement_close(
                event=event, actor=request.user, note=f"Closed by {request.user}."
            )
            self.message_user(
                request,
                _("%(event)s: %(n)d pending results closed.") % {"event": event, "n": closed},
            )

    @admin.action(description=_("Download the rebate file for billing"), permissions=["change"])
    def export_rebates(self, request, queryset):
        rows = []
        for event in queryset.order_by("start_date", "start_time"):
            rows += services.ptr_rebates_export(event=event)
        response = HttpResponse(rebate_file_text(rows), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="ptr_rebates_{stamp}.csv"'
        return response

    # The dashboard -----------------------------------------------------------

    def get_urls(self):
        urls = super().get_urls()
        extra = [
            path(
                "<int:event_id>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="rebates_peakevent_dashboard",
            )
        ]
        return extra + urls

    def dashboard_view(self, request, event_id: int):
        event = get_object_or_404(PeakEvent.objects.select_related("program"), pk=event_id)
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        results = EventResult.objects.filter(event=event)
        by_status = dict(results.values_list("status").annotate(n=Count("pk")))
        settled = results.filter(status=ResultStatus.SETTLED)
        totals = settled.aggregate(
            net_kwh=Sum("savings_kwh"),
            reduced_kwh=Sum("savings_kwh", filter=Q(savings_kwh__gt=0)),
            rebates=Sum("rebate"),
            savers=Count("pk", filter=Q(savings_kwh__gt=0)),
            notified=Count("pk", filter=Q(notified_at__isnull=False)),
            exported=Count("pk", filter=Q(exported_at__isnull=False)),
        )
        unsettled = results.exclude(status=ResultStatus.SETTLED)
        reasons = unsettled.values("status", "reason_code").annotate(n=Count("pk")).order_by("-n")
        pending = unsettled.select_related(
            "participant__customer", "participant__service_point"
        ).order_by("status", "reason_code", "pk")[:PENDING_SHOWN]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Event dashboard: %(event)s") % {"event": event},
            "event": event,
            "by_status": [
                (ResultStatus(status).label, by_status.get(status, 0))
                for status in ResultStatus.values
            ],
            "participants": sum(by_status.values()),
            "totals": totals,
            "reasons": reasons,
            "pending": pending,
            "pending_more": max(0, unsettled.count() - PENDING_SHOWN),
            "waves": event.communications.select_related("track").order_by("due_at"),
            "messages_by_channel": message_counts(event),
            "adjustments": SettlementAdjustment.objects.filter(result__event=event).count(),
            "history": event.history.select_related("actor"),
            "results_url": reverse("admin:rebates_eventresult_changelist")
            + f"?event__id__exact={event.pk}",
        }
        return TemplateResponse(request, "admin/rebates/peakevent/dashboard.html", context)


def message_counts(event: PeakEvent) -> list[dict]:
    """Messages per channel and status, from the notifications app's delivery log."""
    from notifications.models import Message

    rows = (
        Message.objects.filter(batch_key__startswith=f"ptr:{event.pk}:")
        .values("channel", "status")
        .annotate(n=Count("pk"))
        .order_by("channel", "status")
    )
    return list(rows)


@admin.register(EventResult)
class EventResultAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "participant",
        "status",
        "reason",
        "baseline_kwh",
        "actual_kwh",
        "savings_kwh",
        "rebate",
        "notified_at",
    ]
    list_filter = ["status", "reason_code", "event__program", "event"]
    search_fields = [
        "participant__customer__customer_id",
        "participant__customer__secondary_id",
        "participant__service_point__service_point_id",
        "participant__account__account_id",
    ]
    list_select_related = ["event", "participant__customer__premise", "participant__service_point"]
    raw_id_fields = ["event", "participant"]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SettlementAdjustment)
class SettlementAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["result", "created_at", "savings_delta_kwh", "rebate_delta", "reason"]
    list_filter = ["result__event"]
    raw_id_fields = ["result"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
