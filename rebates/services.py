"""Writes for peak time rebates: participants, events, settlement, messages.

Every interface (admin, views, commands, tasks, and the catalog's enrollment
flow) calls these functions; none writes the models directly.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.eligibility import customer_eligibility, customers_eligible
from billing.models import Account, Customer, Fuel, MeterType, Purpose
from portal.utility import utility_get
from rebates import communications, settlement
from rebates.banners import banner_cache_clear
from rebates.models import (
    CommunicationStatus,
    EnrolledVia,
    EventCommunication,
    EventKind,
    EventResult,
    EventStatus,
    Participant,
    ParticipantStatus,
    Participation,
    PeakEvent,
    PeakEventStatusChange,
    PostEventContent,
    PtrProgram,
    ResultStatus,
    Track,
)
from rebates.scheduling import EventRequest, event_problems
from rebates.selectors import program_current
from rebates.workflow import STAFF, SYSTEM, transition_check

logger = logging.getLogger(__name__)

# Who takes part: a customer must be eligible for communications (billing
# eligibility: an active account, no hold such as a usage gap).
PARTICIPATION_PURPOSE = Purpose.COMMUNICATIONS
AWAITING = "awaiting_settlement"
AWAITING_TEXT = "The event has not been settled yet."
CLOSED = "closed_by_staff"


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# Participants
# ------------------------------------------------------------------------------


class PtrEnrollmentError(ValueError):
    """Why a customer cannot join a program; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _qualifying_accounts(program: PtrProgram):
    """Active accounts on a smart-metered electric service point and an eligible rate."""
    accounts = Account.objects.active().filter(
        service_point__fuel=Fuel.ELECTRIC, service_point__meter_type=MeterType.AMI
    )
    rates = list(program.eligible_rate_codes.values_list("pk", flat=True))
    if rates:
        accounts = accounts.filter(rate_code__in=rates)
    return accounts


def _ineligibility(customer: Customer, on: dt.date) -> tuple[str, str] | None:
    decision = customer_eligibility(customer=customer, on=on).decisions[PARTICIPATION_PURPOSE]
    if decision.eligible:
        return None
    first = decision.reasons[0]
    return first.code, str(first.message)[:300]


def _zone_for(customer: Customer) -> str:
    return customer.premise.zip_code[:5]


@dataclass
class SyncCounts:
    created: int = 0
    excluded: int = 0
    reactivated: int = 0


@transaction.atomic
def ptr_participants_sync(
    *, program: PtrProgram, on: dt.date | None = None, now: dt.datetime | None = None
) -> SyncCounts:
    """Bring the program's participants in line with accounts and eligibility.

    Automatic programs add every qualifying account's customer; both kinds
    exclude (keeping the reason) participants whose account closed, whose
    rate or meter no longer qualifies, or who became ineligible, and bring
    back excluded ones who qualify again. Withdrawn participants stay out.
    """
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    counts = SyncCounts()
    accounts = _qualifying_accounts(program)
    qualifying = {
        (a.customer_id, a.service_point_id): a for a in accounts.select_related("customer__premise")
    }
    candidates = Customer.objects.filter(
        Q(Exists(accounts.filter(customer=OuterRef("pk"))))
        | Q(Exists(Participant.objects.filter(program=program, customer=OuterRef("pk"))))
    )
    eligible = set(
        customers_eligible(purpose=PARTICIPATION_PURPOSE, on=on, customers=candidates).values_list(
            "pk", flat=True
        )
    )
    existing = {
        (p.customer_id, p.service_point_id): p
        for p in Participant.objects.filter(program=program).select_related("customer")
    }
    new = []
    if program.participation == Participation.AUTOMATIC:
        for key, account in qualifying.items():
            if key in existing:
                continue
            participant = Participant(
                program=program,
                customer=account.customer,
                service_point_id=account.service_point_id,
                account=account,
                enrolled_via=EnrolledVia.AUTOMATIC,
                enrolled_at=now,
                zone=_zone_for(account.customer),
            )
            if account.customer_id not in eligible:
                code, text = _ineligibility(account.customer, on) or ("ineligible", "Ineligible.")
                participant.status = ParticipantStatus.EXCLUDED
                participant.reason_code, participant.reason = code, text
                counts.excluded += 1
            new.append(participant)
        Participant.objects.bulk_create(new, batch_size=2000)
        counts.created = len(new)

    changed = []
    for key, participant in existing.items():
        if participant.status == ParticipantStatus.WITHDRAWN:
            continue
        account = qualifying.get(key)
        if account is None:
            code, text = _no_longer_qualifies(participant)
        elif participant.customer_id not in eligible:
            code, text = _ineligibility(participant.customer, on) or ("ineligible", "Ineligible.")
        else:
            code, text = "", ""
        if code and (
            participant.status != ParticipantStatus.EXCLUDED or participant.reason != text
        ):
            participant.status = ParticipantStatus.EXCLUDED
            participant.reason_code, participant.reason = code, text
            counts.excluded += 1
            changed.append(participant)
        elif not code and participant.status == ParticipantStatus.EXCLUDED:
            participant.status = ParticipantStatus.ACTIVE
            participant.reason_code = participant.reason = ""
            participant.account = account
            counts.reactivated += 1
            changed.append(participant)
    Participant.objects.bulk_update(
        changed, ["status", "reason_code", "reason", "account", "updated_at"], batch_size=2000
    )
    if new or changed:
        transaction.on_commit(banner_cache_clear)
    return counts


def _no_longer_qualifies(participant: Participant) -> tuple[str, str]:
    account = participant.account
    account.refresh_from_db()
    if account.inactive_date is not None:
        return "account_closed", f"Account {account.account_id} closed on {account.inactive_date}."
    sp = participant.service_point
    if sp.meter_type != MeterType.AMI:
        return "no_smart_meter", f"Service point {sp.service_point_id} has no smart meter."
    return "rate_not_eligible", f"Rate {account.rate_code.code} is not eligible for the program."


@transaction.atomic
def ptr_participant_enroll(
    *,
    customer: Customer,
    program: PtrProgram | None = None,
    via: str = EnrolledVia.WEB,
    enabling_technology: bool | None = None,
    on: dt.date | None = None,
) -> Participant:
    """Sign a customer (a person at a premise) up for a Peak Time Rebate program.

    The one enrollment entry point: the opt-in button on the peak savings
    page calls it with ``via=EnrolledVia.WEB``; the catalog's enrollment flow
    (issue 7) fulfils a PTR order by calling it with
    ``via=EnrolledVia.ENROLLMENT`` (dotted path
    ``rebates.services.ptr_participant_enroll``). Idempotent: enrolling an
    enrolled customer returns the same participant. Raises PtrEnrollmentError
    (``code`` in program_inactive, ineligible codes from billing.eligibility,
    no_smart_meter, rate_not_eligible) and changes nothing when the customer
    cannot join.
    """
    on = on or timezone.localdate()
    program = program or program_current()
    if program is None or not program.is_active:
        raise PtrEnrollmentError(
            "program_inactive", _("There is no active peak time rebate program.")
        )
    problem = _ineligibility(customer, on)
    if problem is not None:
        raise PtrEnrollmentError(*problem)
    electric = Account.objects.active().filter(customer=customer, service_point__fuel=Fuel.ELECTRIC)
    if not electric.filter(service_point__meter_type=MeterType.AMI).exists():
        raise PtrEnrollmentError(
            "no_smart_meter",
            _("Peak time rebates need a smart electric meter at this address."),
        )
    account = _qualifying_accounts(program).filter(customer=customer).first()
    if account is None:
        raise PtrEnrollmentError(
            "rate_not_eligible", _("Your electric rate is not eligible for peak time rebates.")
        )
    participant, created = Participant.objects.select_for_update().get_or_create(
        program=program,
        customer=customer,
        service_point_id=account.service_point_id,
        defaults={
            "account": account,
            "enrolled_via": via,
            "enrolled_at": timezone.now(),
            "zone": _zone_for(customer),
            "enabling_technology": bool(enabling_technology),
        },
    )
    if not created:
        fields = []
        if participant.status != ParticipantStatus.ACTIVE:
            participant.status = ParticipantStatus.ACTIVE
            participant.reason_code = participant.reason = ""
            participant.account = account
            participant.enrolled_via = via
            participant.enrolled_at = timezone.now()
            fields += ["status", "reason_code", "reason", "account", "enrolled_via", "enrolled_at"]
        if enabling_technology is not None and participant.enabling_technology != bool(
            enabling_technology
        ):
            participant.enabling_technology = bool(enabling_technology)
            fields.append("enabling_technology")
        if fields:
            participant.save(update_fields=[*fields, "updated_at"])
    transaction.on_commit(banner_cache_clear)
    return participant


@transaction.atomic
def ptr_participant_withdraw(*, participant: Participant, reason: str) -> Participant:
    participant.status = ParticipantStatus.WITHDRAWN
    participant.reason_code = "withdrawn"
    participant.reason = reason[:300] or "Withdrawn."
    participant.save(update_fields=["status", "reason_code", "reason", "updated_at"])
    transaction.on_commit(banner_cache_clear)
    return participant


# Events
# ------------------------------------------------------------------------------


def _tracks_for(program: PtrProgram) -> list[Track]:
    ids = {program.default_track_id} | set(
        program.participants.exclude(track=None).values_list("track_id", flat=True).distinct()
    )
    return list(Track.objects.filter(pk__in=ids).order_by("pk"))


def _timing(track: Track) -> communications.TrackTiming:
    return communications.TrackTiming(
        notify_day_before=track.notify_day_before,
        day_before_at=track.day_before_at,
        notify_day_of=track.notify_day_of,
        day_of_at=track.day_of_at,
        same_day_reminder=track.same_day_reminder,
        reminder_minutes_before=track.reminder_minutes_before,
    )


@transaction.atomic
def peak_event_schedule(
    *,
    program: PtrProgram,
    start_date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    end_date: dt.date | None = None,
    kind: str = EventKind.NORMAL,
    zone: str = "",
    segment=None,
    note: str = "",
    actor=None,
    now: dt.datetime | None = None,
) -> PeakEvent:
    """Call a peak event: validate it, save it, plan its message waves.

    The event is for every participant, those in one `zone`, or those in one
    customer `segment` (segments.Segment, its precomputed members).
    """
    now = now or timezone.now()
    # One scheduler at a time per program, so two overlapping events cannot
    # both pass the overlap check.
    program = PtrProgram.objects.select_for_update().get(pk=program.pk)
    request = EventRequest(
        program=program,
        start_date=start_date,
        end_date=end_date or start_date,
        start_time=start_time,
        end_time=end_time,
        zone=zone.strip(),
        segment=segment,
    )
    problems = event_problems(request, now=now)
    if problems:
        raise ValidationError(problems)
    event = PeakEvent(
        program=program,
        start_date=request.start_date,
        end_date=request.end_date,
        start_time=start_time,
        end_time=end_time,
        kind=kind,
        zone=request.zone,
        segment=segment,
        note=note,
        created_by=actor,
        baseline_method=program.baseline_method,
        baseline_params=program.baseline_params,
    )
    event.starts_at = event.window(event.start_date)[0]
    event.ends_at = event.window(event.end_date)[1]
    event.save()
    PeakEventStatusChange.objects.create(
        event=event, from_status="", to_status=EventStatus.SCHEDULED, at=now, actor=actor
    )
    waves = []
    for track in _tracks_for(program):
        for wave in communications.wave_times(
            days=event.days, start_time=start_time, track=_timing(track), now=now, zone=_zone()
        ):
            waves.append(
                EventCommunication(
                    event=event,
                    track=track,
                    kind=wave.kind,
                    day=wave.day,
                    due_at=wave.due_at,
                    deadline_at=wave.deadline_at,
                )
            )
    EventCommunication.objects.bulk_create(waves)
    transaction.on_commit(banner_cache_clear)
    from rebates.tasks import ptr_dispatch_task

    ptr_dispatch_task.delay_on_commit()
    return event


@transaction.atomic
def peak_event_transition(
    *,
    event: PeakEvent,
    to: str,
    by: str = SYSTEM,
    actor=None,
    note: str = "",
    now: dt.datetime | None = None,
) -> PeakEvent:
    """The one way an event's status changes; writes the history row."""
    now = now or timezone.now()
    event = PeakEvent.objects.select_for_update().get(pk=event.pk)
    transition_check(from_status=event.status, to_status=to, by=by)
    previous = event.status
    event.status = to
    fields = ["status", "updated_at"]
    if to == EventStatus.NOTIFIED:
        event.announced_at = now
        fields.append("announced_at")
    if to == EventStatus.SETTLED:
        event.settled_at = now
        fields.append("settled_at")
    event.save(update_fields=fields)
    PeakEventStatusChange.objects.create(
        event=event, from_status=previous, to_status=to, at=now, actor=actor, note=note[:300]
    )
    transaction.on_commit(banner_cache_clear)
    return event


@transaction.atomic
def peak_event_cancel(*, event: PeakEvent, actor=None, note: str = "") -> PeakEvent:
    """Cancel an event whose customers have not been told yet."""
    event = peak_event_transition(
        event=event, to=EventStatus.CANCELLED, by=STAFF, actor=actor, note=note
    )
    event.communications.filter(status=CommunicationStatus.PLANNED).update(
        status=CommunicationStatus.CANCELLED, note="Event cancelled."
    )
    return event


def _eligible_customers_sql(on: dt.date) -> tuple[str, tuple]:
    query = customers_eligible(purpose=PARTICIPATION_PURPOSE, on=on).values("pk")
    return query.query.sql_with_params()


@transaction.atomic
def peak_event_announce(*, event: PeakEvent, now: dt.datetime | None = None) -> int:
    """Fix the event's participants (one pending result each) and mark it notified.

    Set-based: one INSERT … SELECT over the program's active participants in
    the event's zone who are eligible for communications on the event day.
    """
    now = now or timezone.now()
    program = event.program
    if program.participation == Participation.AUTOMATIC:
        ptr_participants_sync(program=program, on=event.start_date, now=now)
    eligible_sql, eligible_params = _eligible_customers_sql(event.start_date)
    standard = Decimal(str(program.rebate_per_kwh))
    enabling = Decimal(str(program.rate_for(enabling_technology=True)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO rebates_eventresult
                (event_id, participant_id, status, reason_code, reason, rate, detail, attempts,
                 results_withheld)
            SELECT %s, p.id, 'pending', %s, %s,
                   CASE WHEN p.enabling_technology THEN %s ELSE %s END, '{{}}', 0, %s
            FROM rebates_participant p
            WHERE p.program_id = %s AND p.status = 'active' AND p.enrolled_at <= %s
              AND (%s = '' OR p.zone = %s)
              AND (%s IS NULL OR p.customer_id IN (
                    SELECT m.customer_id FROM segments_segmentmembership m
                    WHERE m.segment_id = %s))
              AND p.customer_id IN ({eligible_sql})
              AND NOT EXISTS (SELECT 1 FROM rebates_eventresult x
                              WHERE x.event_id = %s AND x.participant_id = p.id)""",  # noqa: S608
            [
                event.pk,
                AWAITING,
                AWAITING_TEXT,
                enabling,
                standard,
                False,
                program.pk,
                now,
                event.zone,
                event.zone,
                event.segment_id,
                event.segment_id,
                *eligible_params,
                event.pk,
            ],
        )
        created = cursor.rowcount
    peak_event_transition(event=event, to=EventStatus.NOTIFIED, now=now)
    return created


@dataclass
class AdvanceCounts:
    announced: int = 0
    started: int = 0
    completed: int = 0


def peak_events_advance(*, now: dt.datetime | None = None) -> AdvanceCounts:
    """Move events along the clock: announce, start, complete (then settle)."""
    now = now or timezone.now()
    counts = AdvanceCounts()
    due_wave = EventCommunication.objects.filter(
        event=OuterRef("pk"), status=CommunicationStatus.PLANNED, due_at__lte=now
    )
    to_announce = PeakEvent.objects.filter(status=EventStatus.SCHEDULED).filter(
        Q(Exists(due_wave)) | Q(starts_at__lte=now + dt.timedelta(minutes=30))
    )
    for event in to_announce:
        peak_event_announce(event=event, now=now)
        counts.announced += 1
    for event in PeakEvent.objects.filter(status=EventStatus.NOTIFIED, starts_at__lte=now):
        peak_event_transition(event=event, to=EventStatus.IN_PROGRESS, now=now)
        counts.started += 1
    from rebates.tasks import peak_event_settle_task

    for event in PeakEvent.objects.filter(status=EventStatus.IN_PROGRESS, ends_at__lte=now):
        with transaction.atomic():
            peak_event_transition(event=event, to=EventStatus.COMPLETED, now=now)
            peak_event_settle_task.delay_on_commit(event.pk)
        counts.completed += 1
    return counts


# Pre-event messages
# ------------------------------------------------------------------------------


def _utility_info() -> communications.UtilityInfo:
    utility = utility_get()
    return communications.UtilityInfo(
        name=utility.name, short_name=utility.short_name, support_phone=utility.support_phone
    )


def _event_info(event: PeakEvent) -> communications.EventInfo:
    return communications.EventInfo(
        pk=event.pk,
        days=tuple(event.days),
        start_time=event.start_time,
        end_time=event.end_time,
        emergency=event.kind == EventKind.EMERGENCY,
    )


def _recipient(customer: Customer) -> communications.RecipientInfo:
    return communications.RecipientInfo(
        customer_pk=customer.pk,
        language=customer.language or settings.LANGUAGE_CODE,
        name=customer.first_name,
        account_masked=customer.masked_id,
        address=customer.premise.street_address,
    )


def _results_for_track(event: PeakEvent, track: Track, on: dt.date):
    results = EventResult.objects.filter(
        event=event,
        participant__customer__in=customers_eligible(purpose=PARTICIPATION_PURPOSE, on=on),
    ).select_related("participant__customer__premise")
    if track.pk == event.program.default_track_id:
        return results.filter(Q(participant__track=None) | Q(participant__track=track))
    return results.filter(participant__track=track)


@transaction.atomic
def ptr_waves_dispatch(*, now: dt.datetime | None = None) -> int:
    """Send every pre-event wave that is due; skip those past their deadline."""
    now = now or timezone.now()
    waves = (
        EventCommunication.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            status=CommunicationStatus.PLANNED,
            due_at__lte=now,
            event__status__in=[EventStatus.NOTIFIED, EventStatus.IN_PROGRESS],
        )
        .select_related("event__program__default_track", "track")
        .order_by("due_at", "pk")
    )
    sent = 0
    for wave in waves:
        if now > wave.deadline_at:
            wave.status, wave.note = CommunicationStatus.SKIPPED, "Past its deadline."
        elif not wave.track.channel_list:
            wave.status, wave.note = CommunicationStatus.SKIPPED, "The track has no channels."
        else:
            results = list(_results_for_track(wave.event, wave.track, timezone.localdate(now)))
            messages = communications.pre_event_messages(
                event=_event_info(wave.event),
                kind=wave.kind,
                day=wave.day,
                recipients=[(_recipient(r.participant.customer), r.rate) for r in results],
                channels=wave.track.channel_list,
                utility=_utility_info(),
                now=now,
                zone=_zone(),
            )
            communications.deliver(messages)
            wave.status, wave.recipients, wave.sent_at = (
                CommunicationStatus.SENT,
                len(messages),
                now,
            )
            sent += len(messages)
        wave.save(update_fields=["status", "note", "recipients", "sent_at"])
    return sent


def ptr_dispatch(*, now: dt.datetime | None = None) -> dict:
    """The beat dispatcher: advance events, send due waves, send new results."""
    now = now or timezone.now()
    counts = peak_events_advance(now=now)
    try:
        sent = ptr_waves_dispatch(now=now)
        results = ptr_results_notify(now=now)
    except communications.NotificationsUnavailableError as exc:
        # Waves stay planned (and results unsent) until notifications is installed.
        logger.warning("Peak event messages not sent: %s", exc)
        sent = results = 0
    return {
        "announced": counts.announced,
        "started": counts.started,
        "completed": counts.completed,
        "pre_event_messages": sent,
        "result_messages": results,
    }


# Settlement
# ------------------------------------------------------------------------------


@transaction.atomic
def peak_event_settle(
    *,
    event: PeakEvent,
    recompute: bool = False,
    reason: str = "",
    now: dt.datetime | None = None,
    force_python: bool = False,
) -> dict[str, int]:
    """Settle an event's pending results (all of them with `recompute`).

    Set-based SQL on PostgreSQL, the pure functions elsewhere (see
    rebates.settlement). With `recompute`, results customers were already
    told about change only through a SettlementAdjustment. When nothing is
    pending any more, the event moves to settled; results are then sent.
    """
    now = now or timezone.now()
    event = PeakEvent.objects.select_for_update().select_related("program").get(pk=event.pk)
    if event.status not in (EventStatus.COMPLETED, EventStatus.SETTLED):
        raise ValidationError("Only a completed event can be settled.")
    results = EventResult.objects.filter(event=event)
    if not recompute:
        results = results.filter(status=ResultStatus.PENDING)
    ids = list(results.values_list("pk", flat=True))
    counts: dict[str, int] = {"considered": len(ids)}
    if ids:
        plan = settlement.settlement_plan_for_event(event)
        if settlement.sql_supported(plan) and not force_python:
            settlement.write_sql(plan, ids)
        else:
            settlement.write_python(plan, settlement.targets_load(ids))
        counts.update(
            settlement.results_apply(now=now, reason=reason or "Recomputed with current data.")
        )
    pending = EventResult.objects.filter(event=event, status=ResultStatus.PENDING).exists()
    if event.status == EventStatus.COMPLETED and not pending:
        peak_event_transition(event=event, to=EventStatus.SETTLED, now=now)
    from rebates.tasks import ptr_results_notify_task

    ptr_results_notify_task.delay_on_commit(event.pk)
    return counts


@transaction.atomic
def peak_event_settlement_close(*, event: PeakEvent, actor=None, note: str = "") -> int:
    """Give up on pending results (staff): they become not settleable; the event settles."""
    closed = EventResult.objects.filter(event=event, status=ResultStatus.PENDING).update(
        status=ResultStatus.NOT_SETTLEABLE,
        reason_code=CLOSED,
        reason=(note or "Closed by staff with data still missing.")[:300],
    )
    event.refresh_from_db()
    if event.status == EventStatus.COMPLETED:
        peak_event_transition(event=event, to=EventStatus.SETTLED, by=STAFF, actor=actor, note=note)
    return closed


def ptr_pending_settle(*, now: dt.datetime | None = None, max_age_days: int = 60) -> int:
    """Retry every recent completed event that still has pending results."""
    now = now or timezone.now()
    events = PeakEvent.objects.filter(
        status=EventStatus.COMPLETED,
        ends_at__gte=now - dt.timedelta(days=max_age_days),
        results__status=ResultStatus.PENDING,
    ).distinct()
    settled = 0
    for event in events:
        peak_event_settle(event=event, now=now)
        settled += 1
    return settled


# Results messages
# ------------------------------------------------------------------------------


def _season_totals(program: PtrProgram, participant_ids: list[int]) -> dict[int, tuple]:
    rows = (
        EventResult.objects.filter(
            participant_id__in=participant_ids,
            status=ResultStatus.SETTLED,
            event__program=program,
            event__start_date__gte=program.season_starts_on,
            event__start_date__lte=program.season_ends_on,
        )
        .values("participant_id")
        .annotate(total=Sum("rebate"), events=Count("pk"))
    )
    return {r["participant_id"]: (r["total"] or Decimal(0), r["events"]) for r in rows}


@transaction.atomic
def ptr_results_notify(
    *, event: PeakEvent | None = None, now: dt.datetime | None = None, batch: int = 5000
) -> int:
    """Send results to every settled participant not yet told (as soon as settled)."""
    now = now or timezone.now()
    results = (
        EventResult.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            status=ResultStatus.SETTLED,
            notified_at=None,
            results_withheld=False,
            event__status__in=[EventStatus.COMPLETED, EventStatus.SETTLED],
        )
        .select_related(
            "event__program__default_track", "participant__track", "participant__customer__premise"
        )
        .order_by("event_id", "pk")
    )
    if event is not None:
        results = results.filter(event=event)
    results = list(results[:batch])
    if not results:
        return 0
    eligible = set(
        customers_eligible(
            purpose=PARTICIPATION_PURPOSE,
            on=timezone.localdate(now),
            customers=Customer.objects.filter(pk__in={r.participant.customer_id for r in results}),
        ).values_list("pk", flat=True)
    )
    by_event: dict[int, list[EventResult]] = {}
    for result in results:
        by_event.setdefault(result.event_id, []).append(result)
    sent_ids, silent_ids = [], []
    utility = _utility_info()
    for items in by_event.values():
        the_event = items[0].event
        averages = EventResult.objects.filter(
            event=the_event, status=ResultStatus.SETTLED
        ).aggregate(savings=Avg("savings_kwh"), rebate=Avg("rebate"))
        season = _season_totals(the_event.program, [r.participant_id for r in items])
        planned = []
        for result in items:
            track = result.participant.track or the_event.program.default_track
            customer = result.participant.customer
            if not track.send_results or not track.channel_list or customer.pk not in eligible:
                silent_ids.append(result.pk)
                continue
            total, count = season.get(result.participant_id, (Decimal(0), 0))
            info = communications.ResultInfo(
                baseline_kwh=result.baseline_kwh,
                actual_kwh=result.actual_kwh,
                savings_kwh=result.savings_kwh,
                rebate=result.rebate,
                season_rebate=total,
                season_events=count,
                average_savings_kwh=_q(averages["savings"], "0.000001"),
                average_rebate=_q(averages["rebate"], "0.01"),
                compare=track.post_event_content == PostEventContent.MONEY_COMPARISON,
            )
            planned.append((_recipient(customer), info, track.channel_list))
            sent_ids.append(result.pk)
        communications.deliver(
            communications.post_event_messages(
                event=_event_info(the_event), results=planned, utility=utility, now=now
            )
        )
    EventResult.objects.filter(pk__in=sent_ids).update(notified_at=now)
    EventResult.objects.filter(pk__in=silent_ids).update(results_withheld=True)
    return len(sent_ids)


def _q(value, places: str) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places))


# Export for billing
# ------------------------------------------------------------------------------


@transaction.atomic
def ptr_rebates_export(*, event: PeakEvent, now: dt.datetime | None = None) -> list[list[str]]:
    """The event's rebate file rows (Opower PTR layout); marks the results exported."""
    from rebates.export import rebate_file_rows

    now = now or timezone.now()
    results = list(
        EventResult.objects.filter(event=event, status=ResultStatus.SETTLED)
        .select_related("participant__account__rate_code")
        .order_by("participant__account__account_id", "pk")
    )
    rows = rebate_file_rows(event=event, results=results)
    EventResult.objects.filter(pk__in=[r.pk for r in results]).update(exported_at=now)
    return rows
