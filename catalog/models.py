from __future__ import annotations

from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.db import TimeStampedModel

IMAGE_VALIDATORS = [FileExtensionValidator(["png", "jpg", "jpeg", "webp"])]


class Illustration(models.TextChoices):
    """Built-in pictures (static SVG) for entries without an uploaded image."""

    BOLT = "bolt", _("Lightning bolt")
    CLOCK = "clock", _("Clock")
    LEAF = "leaf", _("Leaf")
    SUN = "sun", _("Sun")
    HOME = "home", _("House")
    THERMOSTAT = "thermostat", _("Thermostat")
    CAR = "car", _("Electric car")
    CARD = "card", _("Bill and payment")
    HAND = "hand", _("Helping hand")
    PUMP = "pump", _("Water pump")
    BUNDLE = "bundle", _("Bundle")


class Category(TimeStampedModel):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    illustration = models.CharField(
        _("illustration"), max_length=20, choices=Illustration.choices, default=Illustration.BOLT
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    ALL = "all", _("Residential and commercial")
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")


class FuelScope(models.TextChoices):
    ANY = "any", _("Any")
    ELECTRIC = "electric", _("Electric")
    GAS = "gas", _("Gas")


class Fulfilment(models.TextChoices):
    INSTANT = "instant", _("Instant")
    STAFF_REVIEW = "staff_review", _("Staff review")
    FIELD_WORK = "field_work", _("Field work order")


class RuleMode(models.TextChoices):
    ALL = "all", _("Meet all rules")
    ANY = "any", _("Meet any rule")


class PublishedQuerySet(models.QuerySet):
    def published(self, at=None):
        at = at or timezone.now()
        return self.filter(publish_at__lte=at).filter(
            Q(withdraw_at__isnull=True) | Q(withdraw_at__gt=at)
        )


class Publishable(TimeStampedModel):
    publish_at = models.DateTimeField(
        _("publish at"), null=True, blank=True, help_text=_("Empty: a draft nobody sees.")
    )
    withdraw_at = models.DateTimeField(
        _("withdraw at"),
        null=True,
        blank=True,
        help_text=_("From then on customers no longer see it or enrol; enrolments stay."),
    )

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        now = timezone.now()
        return (
            self.publish_at is not None
            and self.publish_at <= now
            and (self.withdraw_at is None or self.withdraw_at > now)
        )


class Product(Publishable):
    """A program or rate a customer can enrol in."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.SlugField(
        _("kind"),
        max_length=40,
        default="generic",
        help_text=_(
            "Selects the fulfilment handler (settings.ENROLLMENT_FULFILMENT_HANDLERS), "
            "e.g. generic, rate_change, paperless_billing, autopay, ptr."
        ),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    benefits = models.TextField(_("benefits"), blank=True, help_text=_("One per line."))
    terms = models.TextField(
        _("terms (Markdown)"), blank=True, help_text=_("The customer accepts these at checkout.")
    )
    image = models.ImageField(
        _("image"), upload_to="catalog/", blank=True, validators=IMAGE_VALIDATORS
    )
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    illustration = models.CharField(
        _("illustration"), max_length=20, choices=Illustration.choices, default=Illustration.BOLT
    )
    fuel = models.CharField(_("fuel"), max_length=10, choices=FuelScope.choices, default="any")
    audience = models.CharField(
        _("customer type"), max_length=12, choices=Audience.choices, default=Audience.RESIDENTIAL
    )
    fulfilment = models.CharField(
        _("fulfilment"), max_length=14, choices=Fulfilment.choices, default=Fulfilment.INSTANT
    )
    exclusive_group = models.SlugField(
        _("exclusive group"),
        max_length=40,
        blank=True,
        help_text=_(
            "Products sharing a group are mutually exclusive (e.g. “electric-rate”: a premise "
            "has one electric rate)."
        ),
    )
    handler_params = models.JSONField(
        _("handler parameters"),
        default=dict,
        blank=True,
        help_text=_('For the kind\'s handler, e.g. {"rate_code": "RES-TOU"}.'),
    )
    rule_mode = models.CharField(
        _("eligibility"), max_length=3, choices=RuleMode.choices, default=RuleMode.ALL
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("program or rate")
        verbose_name_plural = _("programs and rates")
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdraw_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(withdraw_at__gt=F("publish_at")),
                name="product_withdraw_after_publish",
            ),
        ]
        indexes = [models.Index(fields=["publish_at", "withdraw_at"], name="product_pub_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product-detail", args=[self.slug])

    @property
    def benefit_list(self) -> list[str]:
        return [line.strip(" -•*") for line in self.benefits.splitlines() if line.strip(" -•*")]

    @property
    def needs_work_order(self) -> bool:
        return self.fulfilment != Fulfilment.INSTANT


class RelationKind(models.TextChoices):
    ALSO_CONSIDER = "also_consider", _("Also consider")
    REQUIRES = "requires", _("Requires")
    EXCLUDES = "excludes", _("Excludes")
    UPGRADE_TO = "upgrade_to", _("Upgrade to")


class ProductRelation(TimeStampedModel):
    from_product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="relations", verbose_name=_("product")
    )
    to_product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("related product")
    )
    kind = models.CharField(_("relation"), max_length=16, choices=RelationKind.choices)
    note = models.CharField(_("why (shown to customers)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("product relation")
        verbose_name_plural = _("product relations")
        constraints = [
            models.UniqueConstraint(
                fields=["from_product", "to_product", "kind"], name="productrelation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_product=F("to_product")), name="productrelation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_product} → {self.get_kind_display()} → {self.to_product}"


class AdditionsPolicy(models.TextChoices):
    ANY = "any", _("Any product except those denied")
    LISTED = "listed", _("Only the products allowed below")
    NONE = "none", _("Nothing else")


class Bundle(Publishable):
    """Several products enrolled in one step, with its own eligibility."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description (Markdown)"), blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="bundles",
        verbose_name=_("category"),
    )
    image = models.ImageField(
        _("image"), upload_to="catalog/", blank=True, validators=IMAGE_VALIDATORS
    )
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    illustration = models.CharField(
        _("illustration"), max_length=20, choices=Illustration.choices, default=Illustration.BUNDLE
    )
    audience = models.CharField(
        _("customer type"), max_length=12, choices=Audience.choices, default=Audience.RESIDENTIAL
    )
    additions_policy = models.CharField(
        _("other products in the same order"),
        max_length=8,
        choices=AdditionsPolicy.choices,
        default=AdditionsPolicy.ANY,
    )
    rule_mode = models.CharField(
        _("eligibility"), max_length=3, choices=RuleMode.choices, default=RuleMode.ALL
    )
    products = models.ManyToManyField(
        Product, through="BundleItem", related_name="bundles", verbose_name=_("products")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdraw_at__isnull=True)
                | Q(publish_at__isnull=True)
                | Q(withdraw_at__gt=F("publish_at")),
                name="bundle_withdraw_after_publish",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:bundle-detail", args=[self.slug])


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="bundle_items", verbose_name=_("product")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("bundle item")
        verbose_name_plural = _("bundle items")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "product"], name="bundleitem_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bundle}: {self.product}"


class AdditionEffect(models.TextChoices):
    ALLOW = "allow", _("May be added")
    DENY = "deny", _("May not be added")


class BundleAddition(models.Model):
    """Which products a customer may add to an order alongside a bundle."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="additions")
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    effect = models.CharField(_("effect"), max_length=5, choices=AdditionEffect.choices)

    class Meta:
        verbose_name = _("combination rule")
        verbose_name_plural = _("combination rules")
        constraints = [
            models.UniqueConstraint(fields=["bundle", "product"], name="bundleaddition_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bundle}: {self.product} ({self.get_effect_display()})"


class EligibilityRule(TimeStampedModel):
    """One eligibility test of a product or a bundle, chosen from the registry."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    bundle = models.ForeignKey(
        Bundle, on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    rule_type = models.CharField(_("rule"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    customer_message = models.CharField(
        _("message when not met"),
        max_length=200,
        blank=True,
        help_text=_("Shown to the customer; empty uses the rule's standard explanation."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False, bundle__isnull=True)
                | Q(product__isnull=True, bundle__isnull=False),
                name="eligibilityrule_one_owner",
            ),
        ]

    def __str__(self) -> str:
        from catalog.eligibility import rule_describe

        return rule_describe(self.rule_type, self.params)

    def clean(self) -> None:
        from catalog.eligibility import rule_params_clean

        self.params = rule_params_clean(self.rule_type, self.params)
