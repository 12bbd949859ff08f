"""Writes of the billing app: household sharing (the web) and data-file imports.

(Claims live in `billing.claims`.)

Data-file imports: one service underneath three ways in (`manage.py
import_billing` / `import_interval` / `import_greenbutton`, the admin upload
as a Celery task, and direct calls). Every file becomes an `ImportRun`,
recorded before the file is read so that staff can follow it. The file's data
is applied in one transaction: a rejected file, a failure or a killed process
leaves the data exactly as it was. The run itself is kept (with its row
errors) whatever happens. See docs/data-files.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import notices
from billing.importers import fields
from billing.importers.errors import FileRejected
from billing.importers.progress import ProgressCallback, RunProgress
from billing.importers.runner import (
    ImportOptions,
    billing_file_load,
    greenbutton_file_load,
    interval_file_load,
)
from billing.importers.sources import DataFileName, file_checksum, file_name_parse
from billing.models import (
    AccessRole,
    Customer,
    CustomerAccess,
    HouseholdInvitation,
    ImportKind,
    ImportRun,
    ImportStatus,
)
from billing.models.usage import INTERVAL_MINUTES
from billing.signals import interval_reads_imported, usage_imported

INVITATION_VALID_FOR = timedelta(days=14)


class HouseholdError(Exception):
    """A household action that cannot be done; the message is for the customer."""


def _is_owner(*, user, customer: Customer) -> bool:
    return CustomerAccess.objects.filter(
        user=user, customer=customer, role=AccessRole.OWNER
    ).exists()


@transaction.atomic
def household_invitation_create(
    *, customer: Customer, invited_by, email: str, accept_url_base: str
) -> HouseholdInvitation:
    """Invite `email` to share `customer`; replaces an open invitation to it.

    `accept_url_base` is the scheme and host the link in the e-mail uses.
    """
    if not _is_owner(user=invited_by, customer=customer):
        raise HouseholdError(_("Only the account holder can invite household members."))
    email = email.strip()
    if CustomerAccess.objects.filter(customer=customer, user__email__iexact=email).exists():
        raise HouseholdError(_("That person already has access to this home."))
    HouseholdInvitation.objects.filter(
        customer=customer, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = HouseholdInvitation.objects.create(
        customer=customer,
        invited_by=invited_by,
        email=email,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    url = accept_url_base + reverse("billing:join", args=[invitation.token])
    context = {
        "invitation": invitation,
        "inviter": invited_by.get_full_name() or invited_by.email,
        "address": customer.premise.street_address,
        "url": url,
    }
    transaction.on_commit(lambda: _invitation_send(invitation.email, context))
    return invitation


def _invitation_send(email: str, context: dict) -> None:
    from portal.utility import utility_get

    context = {**context, "utility": utility_get()}
    subject = render_to_string("billing/email/household_invitation_subject.txt", context)
    body = render_to_string("billing/email/household_invitation_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body,
        None,
        [email],
    )


@transaction.atomic
def household_invitation_accept(*, token: str, user) -> Customer:
    """Give `user` a member's access; their verified e-mail must be the one invited."""
    invalid = HouseholdError(
        _("This invitation is not valid anymore. Ask the account holder to send a new one.")
    )
    invitation = (
        HouseholdInvitation.objects.select_for_update()
        .select_related("customer")
        .filter(token=token)
        .first()
    )
    if invitation is None or not invitation.is_open or invitation.expires_at <= timezone.now():
        raise invalid
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()
    if not verified:
        raise HouseholdError(
            _("Sign in with the e-mail address the invitation was sent to (%(email)s).")
            % {"email": invitation.email}
        )
    CustomerAccess.objects.get_or_create(
        user=user, customer=invitation.customer, defaults={"role": AccessRole.MEMBER}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return invitation.customer


@transaction.atomic
def household_invitation_revoke(*, invitation: HouseholdInvitation, by) -> None:
    if not _is_owner(user=by, customer=invitation.customer):
        raise HouseholdError(_("Only the account holder can cancel invitations."))
    if invitation.is_open:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])


@transaction.atomic
def household_member_remove(*, access: CustomerAccess, by) -> None:
    """The account holder removes a member, or a member leaves."""
    if access.user_id == by.pk:
        if access.role == AccessRole.OWNER:
            raise HouseholdError(
                _("The account holder cannot leave; call us to transfer the account.")
            )
    elif not _is_owner(user=by, customer=access.customer) or access.role == AccessRole.OWNER:
        raise HouseholdError(_("Only the account holder can remove household members."))
    access.delete()


# Data-file imports ---------------------------------------------------------

logger = logging.getLogger(__name__)

DEFAULT_MAX_REJECTED_SHARE = Decimal("0.01")
DEFAULT_MAX_STORED_ERRORS = 100_000


@dataclass(frozen=True)
class _NamedPath:
    path: Path
    name: DataFileName | None


def import_settings_max_rejected_share() -> Decimal:
    value = getattr(settings, "BILLING_IMPORT_MAX_REJECTED_SHARE", DEFAULT_MAX_REJECTED_SHARE)
    return Decimal(str(value))


def _negative_usage() -> str:
    mode = getattr(settings, "BILLING_IMPORT_NEGATIVE_USAGE", fields.NEGATIVE_NEVER)
    if mode not in fields.NEGATIVE_USAGE_MODES:
        raise ValueError(
            f"BILLING_IMPORT_NEGATIVE_USAGE must be one of {fields.NEGATIVE_USAGE_MODES}"
        )
    return mode


def data_files_order(paths: Iterable[Path | str]) -> list[Path]:
    """Files in the order they must be applied: by the time stamp in their
    names (the convention's queueing rule); files without one keep the order
    given, after the named ones."""
    named = [
        _NamedPath(Path(p), file_name_parse(Path(p).name, time_zone=settings.TIME_ZONE))
        for p in paths
    ]
    indexed = list(enumerate(named))
    indexed.sort(
        key=lambda item: (
            item[1].name is None,
            item[1].name.timestamp if item[1].name else timezone.now(),
            item[0],
        )
    )
    return [item.path for _, item in indexed]


def data_file_import(
    *,
    path: Path | str,
    kind: str,
    force: bool = False,
    file_name: str | None = None,
    requested_by=None,
    max_rejected_share: Decimal | None = None,
    interval_minutes: int | None = None,
    progress: ProgressCallback | None = None,
    run: ImportRun | None = None,
    service_point_id: str | None = None,
) -> ImportRun:
    """Import one billing, interval or Green Button file and return its run.

    A Green Button file carries no service point ID of the utility's:
    `service_point_id` names the service point its readings are for.

    Never raises for a bad file: the run's status (succeeded, rejected,
    duplicate, failed) and message say what happened.
    """
    path = Path(path)
    file_name = file_name or path.name
    share = (
        import_settings_max_rejected_share()
        if max_rejected_share is None
        else Decimal(str(max_rejected_share))
    )
    if run is None:
        run = ImportRun(kind=kind, file_name=file_name[:255], requested_by=requested_by)
    run.status = ImportStatus.RUNNING
    run.forced = force
    run.started_at = timezone.now()
    run.max_rejected_share = share
    name = file_name_parse(file_name, time_zone=settings.TIME_ZONE)
    if name is not None:
        run.layout = name.layout
        run.utility_code = name.utility
        run.spec_version = name.version[:16]
        run.file_timestamp = name.timestamp
        run.interval_minutes = name.interval_minutes
    try:
        run.checksum, run.size_bytes = file_checksum(path)
    except OSError as exc:
        return _finish(run, ImportStatus.REJECTED, f"The file cannot be read: {exc.strerror}.")
    run.save()

    problem = _name_problem(kind, name)
    if problem:
        return _finish(run, ImportStatus.REJECTED, problem)
    if not force:
        earlier = (
            ImportRun.objects.filter(
                kind=kind, checksum=run.checksum, status=ImportStatus.SUCCEEDED
            )
            .exclude(pk=run.pk)
            .order_by("finished_at")
            .first()
        )
        if earlier is not None:
            run.duplicate_of = earlier
            when = timezone.localtime(earlier.finished_at).strftime("%Y-%m-%d %H:%M")
            return _finish(
                run,
                ImportStatus.DUPLICATE,
                f"Already imported on {when} (import #{earlier.pk}, same SHA-256); nothing was "
                "changed. Use --force (or “re-apply”) to import it again.",
            )

    options = ImportOptions(
        max_rejected_share=share,
        negative_usage=_negative_usage(),
        max_stored_errors=getattr(
            settings, "BILLING_IMPORT_MAX_STORED_ERRORS", DEFAULT_MAX_STORED_ERRORS
        ),
        time_zone=settings.TIME_ZONE,
        layout=name.layout if name and kind == ImportKind.BILLING else None,
        interval_minutes=(name.interval_minutes if name else None) or interval_minutes,
    )
    tracker = RunProgress(run_pk=run.pk, total=run.size_bytes, callback=progress)
    load = {
        ImportKind.BILLING: billing_file_load,
        ImportKind.INTERVAL: interval_file_load,
        ImportKind.GREEN_BUTTON: greenbutton_file_load,
    }[kind]
    extra = {"service_point_id": service_point_id} if kind == ImportKind.GREEN_BUTTON else {}
    if kind == ImportKind.GREEN_BUTTON and not service_point_id:
        return _finish(run, ImportStatus.REJECTED, "Name the service point the readings are for.")
    try:
        with transaction.atomic():
            result = load(
                run_pk=run.pk,
                path=path,
                source=file_name,
                options=options,
                progress=tracker,
                now=run.started_at,
                **extra,
            )
            run.layout = result.layout
            run.interval_minutes = result.interval_minutes
            run.rows_total = result.rows
            run.rejected = result.rejected
            if result.accepted:
                run.created, run.updated, run.unchanged = (
                    result.created,
                    result.updated,
                    result.unchanged,
                )
                run.details = result.details
                _finish(run, ImportStatus.SUCCEEDED, "")
                if kind == ImportKind.BILLING:
                    _followup_on_commit(run, result.customers, result.changes)
                if result.created or result.updated:
                    _signal_on_commit(run, result.changes)
            else:
                _finish(run, ImportStatus.REJECTED, result.message)
    except FileRejected as exc:
        run.rows_total = run.created = run.updated = run.unchanged = run.rejected = 0
        return _finish(run, ImportStatus.REJECTED, str(exc))
    except Exception as exc:
        logger.exception("Import of %s failed", file_name)
        run.rows_total = run.created = run.updated = run.unchanged = run.rejected = 0
        return _finish(
            run,
            ImportStatus.FAILED,
            f"The import failed and nothing was applied ({type(exc).__name__}: {exc}).",
        )
    finally:
        tracker.close()
    return run


def _name_problem(kind: str, name: DataFileName | None) -> str:
    if name is None:
        return ""
    if kind == ImportKind.BILLING and name.layout == "interval":
        return "The file name says this is an interval file; import it as an interval file."
    if kind == ImportKind.INTERVAL and name.layout != "interval":
        return f"The file name says this is a {name.layout} billing file, not an interval file."
    if kind == ImportKind.INTERVAL and name.interval_minutes not in INTERVAL_MINUTES:
        return (
            f"The file name says interval{name.interval_minutes}; supported interval lengths "
            f"are {', '.join(map(str, INTERVAL_MINUTES))} minutes."
        )
    return ""


def _finish(run: ImportRun, status: str, message: str) -> ImportRun:
    run.status = status
    run.message = message
    run.phase = ""
    run.finished_at = timezone.now()
    if run.started_at is None or run.started_at > run.finished_at:
        run.started_at = run.finished_at
    run.bytes_done = run.size_bytes
    run.save()
    if status in (ImportStatus.REJECTED, ImportStatus.FAILED):
        # After the run is recorded for good: inside the import's
        # transaction (too many bad rows) on its commit, after a rollback
        # (broken file, crash) at once.
        transaction.on_commit(partial(notices.import_failure_alert, run_pk=run.pk), robust=True)
    return run


def _followup_on_commit(run: ImportRun, customer_pks: list[int], changes: list) -> None:
    # A task, so a million-customer file's contact points and bill alerts
    # do not hold up the import (inline when tasks run eagerly). robust: a
    # broker problem is logged and never turns a committed import into an error.
    from billing.tasks import billing_import_followup_task  # tasks import this module

    transaction.on_commit(
        partial(
            billing_import_followup_task.delay,
            run.pk,
            [int(pk) for pk in customer_pks],
            notices.periods_to_json(changes),
        ),
        robust=True,
    )


def _signal_on_commit(run: ImportRun, changes: list) -> None:
    if run.kind == ImportKind.BILLING:
        transaction.on_commit(
            lambda: usage_imported.send(sender=ImportRun, import_run=run, billing_periods=changes)
        )
    else:
        transaction.on_commit(
            lambda: interval_reads_imported.send(
                sender=ImportRun, import_run=run, service_points=changes
            )
        )


def data_files_import(
    *,
    paths: Iterable[Path | str],
    kind: str,
    force: bool = False,
    keep_going: bool = False,
    max_rejected_share: Decimal | None = None,
    interval_minutes: int | None = None,
    progress_for: Callable[[Path], ProgressCallback | None] | None = None,
    requested_by=None,
    service_point_id: str | None = None,
) -> list[ImportRun]:
    """Import several files in file-name time-stamp order.

    Later files build on earlier ones, so the first file that is rejected
    or fails stops the rest unless `keep_going`.
    """
    runs = []
    for path in data_files_order(paths):
        run = data_file_import(
            path=path,
            kind=kind,
            force=force,
            max_rejected_share=max_rejected_share,
            interval_minutes=interval_minutes,
            progress=progress_for(path) if progress_for else None,
            requested_by=requested_by,
            service_point_id=service_point_id,
        )
        runs.append(run)
        if run.status in (ImportStatus.REJECTED, ImportStatus.FAILED) and not keep_going:
            break
    return runs


@transaction.atomic
def import_run_create(
    *,
    upload: UploadedFile,
    kind: str,
    force: bool = False,
    max_rejected_share: Decimal | None = None,
    requested_by=None,
) -> ImportRun:
    """Store an uploaded file and queue its import (admin upload)."""
    from billing.tasks import import_run_process_task

    run = ImportRun(
        kind=kind,
        file_name=Path(upload.name).name[:255],
        forced=force,
        requested_by=requested_by,
        status=ImportStatus.QUEUED,
        size_bytes=upload.size or 0,
        max_rejected_share=max_rejected_share,
    )
    run.upload.save(Path(upload.name).name, upload, save=False)
    run.save()
    import_run_process_task.delay_on_commit(run.pk)
    return run


def import_run_execute(*, run_pk: int) -> ImportRun:
    """Import the file of a queued run (the Celery task calls this)."""
    run = ImportRun.objects.get(pk=run_pk)
    if run.status != ImportStatus.QUEUED:
        return run
    if not run.upload:
        return _finish(run, ImportStatus.FAILED, "The uploaded file is missing.")
    try:
        path = Path(run.upload.path)
    except NotImplementedError:
        return _finish(run, ImportStatus.FAILED, "Uploads must be on a local file system.")
    return data_file_import(
        path=path,
        kind=run.kind,
        force=run.forced,
        file_name=run.file_name,
        requested_by=run.requested_by,
        max_rejected_share=run.max_rejected_share,
        run=run,
    )


def import_options_describe() -> dict:
    """The settings in force, for documentation and the admin."""
    return {
        "max_rejected_share": import_settings_max_rejected_share(),
        "negative_usage": _negative_usage(),
        "time_zone": settings.TIME_ZONE,
    }
