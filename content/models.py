"""FAQ, editorial pages and contact requests.

Customer-facing text has an English field and an optional Spanish one
(`*_es`); a Spanish reader sees the Spanish text where staff wrote it and the
English text otherwise, so a missing translation never hides a question.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from portal.db import TimeStampedModel


def _localized(obj, field: str) -> str:
    if (get_language() or "").startswith("es"):
        spanish = getattr(obj, f"{field}_es", "")
        if spanish:
            return spanish
    return getattr(obj, field)


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class FaqCategory(TimeStampedModel):
    name = models.CharField(_("name"), max_length=80)
    name_es = models.CharField(_("name (Spanish)"), max_length=80, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    description_es = models.CharField(_("description (Spanish)"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_published = models.BooleanField(_("published"), default=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("FAQ category")
        verbose_name_plural = _("FAQ categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("content:faq-category", args=[self.slug])

    @property
    def name_text(self) -> str:
        return _localized(self, "name")

    @property
    def description_text(self) -> str:
        return _localized(self, "description")


class FaqQuestion(TimeStampedModel):
    category = models.ForeignKey(
        FaqCategory,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("category"),
    )
    question = models.CharField(_("question"), max_length=250)
    question_es = models.CharField(_("question (Spanish)"), max_length=250, blank=True)
    answer = models.TextField(_("answer (Markdown)"))
    answer_es = models.TextField(_("answer in Spanish (Markdown)"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_published = models.BooleanField(_("published"), default=True)
    is_top = models.BooleanField(
        _("top question"), default=False, help_text=_("Shown on the help centre's front page.")
    )
    helpful_yes = models.PositiveIntegerField(_("helpful"), default=0, editable=False)
    helpful_no = models.PositiveIntegerField(_("not helpful"), default=0, editable=False)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("FAQ question")
        verbose_name_plural = _("FAQ questions")
        ordering = ["category__sort_order", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(helpful_yes__gte=0) & Q(helpful_no__gte=0),
                name="faqquestion_feedback_counts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return f"{self.category.get_absolute_url()}#q-{self.pk}"

    @property
    def question_text(self) -> str:
        return _localized(self, "question")

    @property
    def answer_text(self) -> str:
        return _localized(self, "answer")


class Page(TimeStampedModel):
    """An editorial page at /pages/<slug>/ (saving tips, moving, privacy)."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=150)
    title_es = models.CharField(_("title (Spanish)"), max_length=150, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    summary_es = models.CharField(_("summary (Spanish)"), max_length=300, blank=True)
    body = models.TextField(_("body (Markdown)"))
    body_es = models.TextField(_("body in Spanish (Markdown)"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    show_in_footer = models.BooleanField(_("show in footer"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["sort_order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("content:page", args=[self.slug])

    @property
    def title_text(self) -> str:
        return _localized(self, "title")

    @property
    def summary_text(self) -> str:
        return _localized(self, "summary")

    @property
    def body_text(self) -> str:
        return _localized(self, "body")


class ContactTopic(models.TextChoices):
    BILLING = "billing", _("Billing question")
    OUTAGE = "outage", _("Outage or safety")
    SERVICE = "service", _("Start, stop or move service")
    PROGRAMS = "programs", _("Programs and rebates")
    WEBSITE = "website", _("Help with this website")
    OTHER = "other", _("Something else")


class ContactStatus(models.TextChoices):
    NEW = "new", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")


class ContactRequest(TimeStampedModel):
    """A message from a customer or visitor to the utility's support team."""

    number = models.CharField(_("reference number"), max_length=20, unique=True, null=True)
    topic = models.CharField(_("topic"), max_length=12, choices=ContactTopic.choices)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail address"))
    phone = PhoneNumberField(_("phone"), blank=True)
    message = models.TextField(_("message"), max_length=4000)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_requests",
        verbose_name=_("login"),
    )
    # Referenced by name: content sits beside billing and does not import it.
    premise = models.ForeignKey(
        "billing.Premise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("premise"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ContactStatus.choices, default=ContactStatus.NEW
    )
    staff_notes = models.TextField(
        _("staff notes"), blank=True, help_text=_("Internal: the customer never sees these.")
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    in_progress_at = models.DateTimeField(_("in progress since"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="contactrequest_status_idx")]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("content:request-detail", args=[self.number])


class ContactRequestStatusChange(models.Model):
    """One step of a request's timeline (written only by the transition service)."""

    request = models.ForeignKey(
        ContactRequest, on_delete=models.CASCADE, related_name="status_changes"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=12, choices=ContactStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=ContactStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # Internal, like the staff notes: the customer's timeline shows statuses and dates.
    note = models.CharField(_("internal note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
