from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel


class ImportKind(models.TextChoices):
    BILLING = "billing", _("Billing data file")
    INTERVAL = "interval", _("Interval (AMI) file")
    GREEN_BUTTON = "greenbutton", _("Green Button (ESPI) file")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Already imported")
    FAILED = "failed", _("Failed")
    INTERRUPTED = "interrupted", _("Interrupted")


FINISHED_STATUSES = (
    ImportStatus.SUCCEEDED,
    ImportStatus.REJECTED,
    ImportStatus.DUPLICATE,
    ImportStatus.FAILED,
    ImportStatus.INTERRUPTED,
)


class ImportRun(TimeStampedModel):
    """One data file given to the importer, and what became of it.

    The run is recorded before the file is read and survives a rejected or
    failed import; the data the file carries is applied in one transaction,
    all or nothing (docs/data-files.md).
    """

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    layout = models.CharField(
        _("layout"),
        max_length=12,
        blank=True,
        help_text=_("full, customer, usage or interval."),
    )
    utility_code = models.CharField(_("utility code"), max_length=16, blank=True)
    spec_version = models.CharField(_("spec version"), max_length=16, blank=True)
    file_timestamp = models.DateTimeField(
        _("file time stamp"), null=True, blank=True, help_text=_("From the file name.")
    )
    interval_minutes = models.PositiveSmallIntegerField(
        _("interval minutes"), null=True, blank=True
    )
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    upload = models.FileField(_("uploaded file"), upload_to="imports/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    message = models.TextField(_("message"), blank=True)
    forced = models.BooleanField(
        _("forced"), default=False, help_text=_("Re-applied although already imported.")
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    rows_total = models.PositiveBigIntegerField(_("data rows"), default=0)
    created = models.PositiveBigIntegerField(_("created"), default=0)
    updated = models.PositiveBigIntegerField(_("updated"), default=0)
    unchanged = models.PositiveBigIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveBigIntegerField(_("rejected rows"), default=0)
    max_rejected_share = models.DecimalField(
        _("largest share of bad rows accepted"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("0.01 = 1%. Empty: the BILLING_IMPORT_MAX_REJECTED_SHARE setting."),
    )
    details = models.JSONField(
        _("details"), default=dict, blank=True, help_text=_("Changes by entity.")
    )
    phase = models.CharField(_("phase"), max_length=20, blank=True)
    bytes_done = models.PositiveBigIntegerField(_("bytes read"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("data file import")
        verbose_name_plural = _("data file imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "checksum"], name="importrun_checksum_idx"),
            models.Index(fields=["status"], name="importrun_status_idx"),
        ]
        constraints = [
            # A file is applied once; --force re-applies it as a separate run.
            models.UniqueConstraint(
                fields=["kind", "checksum"],
                condition=Q(status="succeeded", forced=False),
                name="importrun_once_per_file",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in ImportStatus]),
                name="importrun_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(started_at__isnull=True)
                | Q(finished_at__gte=models.F("started_at")),
                name="importrun_finishes_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def progress_percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.size_bytes:
            return 0
        return min(99, int(100 * self.bytes_done / self.size_bytes))

    @property
    def summary_line(self) -> str:
        return (
            f"created={self.created} updated={self.updated} "
            f"unchanged={self.unchanged} rejected={self.rejected}"
        )


class ImportRowError(models.Model):
    """Why one row (or one value in it) of a data file was rejected."""

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="row_errors", verbose_name=_("import")
    )
    line = models.PositiveBigIntegerField(_("line"))
    column = models.CharField(_("column"), max_length=40, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("row error")
        verbose_name_plural = _("row errors")
        ordering = ["run", "line", "id"]
        indexes = [models.Index(fields=["run", "line"], name="importrowerror_run_line_idx")]

    def __str__(self) -> str:
        column = f" {self.column}" if self.column else ""
        return f"line {self.line}{column}: {self.reason}"
