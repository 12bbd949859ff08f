"""Staff views of the delivery log, contact points, opt-outs, preferences
and message templates (with previews rendered from sample data)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.csp import CSP
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from notifications.models import (
    ChannelOptOut,
    ContactPoint,
    DeliveryAttempt,
    InboundMessage,
    Message,
    MessageTemplate,
    TopicPreference,
)
from notifications.rendering import (
    FILES,
    TemplateSource,
    default_source,
    email_document,
    overrides_cache_clear,
    render_source,
    sample_context,
    template_source,
)
from notifications.topics import TOPICS


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ["number", "outcome", "detail", "provider_id", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "topic",
        "channel",
        "recipient_key",
        "address",
        "status",
        "reason",
        "attempts",
        "provider_id",
    ]
    list_filter = ["status", "channel", "topic", "language", "created_at"]
    search_fields = ["recipient_key", "address", "provider_id", "idempotency_key", "uuid"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 100
    inlines = [DeliveryAttemptInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "uuid",
                    "topic",
                    "channel",
                    "recipient_key",
                    "recipient_name",
                    "language",
                    "time_zone",
                    "address",
                ]
            },
        ),
        (
            _("Delivery"),
            {
                "fields": [
                    "status",
                    "reason",
                    "attempts",
                    "provider_id",
                    "not_before",
                    "created_at",
                    "sending_at",
                    "sent_at",
                    "delivered_at",
                    "failed_at",
                    "idempotency_key",
                    "batch_key",
                ]
            },
        ),
        (_("Content"), {"fields": ["subject", "body_text", "html_preview"]}),
    ]
    readonly_fields = [f for fields in fieldsets for f in fields[1]["fields"]]

    @admin.display(description=_("HTML"))
    def html_preview(self, obj):
        if not obj.body_html:
            return "—"
        url = reverse("admin:notifications_message_html", args=[obj.pk])
        return _preview_frame(url)

    def get_urls(self):
        view = self.admin_site.admin_view(self.html_view)
        return [
            path("<int:pk>/html/", view, name="notifications_message_html"),
            *super().get_urls(),
        ]

    def html_view(self, request, pk):
        obj = self.get_object(request, str(pk))
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        return _html_response(
            email_document(
                fragment=obj.body_html,
                subject=obj.subject,
                language=obj.language,
                unsubscribe_url=obj.address_data.get("unsubscribe", ""),
                preferences_url="",
            )
        )


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "message", "number", "outcome", "detail", "provider_id"]
    list_filter = ["outcome", "message__channel", "created_at"]
    search_fields = ["provider_id", "message__recipient_key", "message__address"]
    list_select_related = ["message"]
    show_full_result_count = False


@admin.register(ContactPoint)
class ContactPointAdmin(admin.ModelAdmin):
    list_display = [
        "recipient_key",
        "channel",
        "address",
        "verified",
        "verified_at",
        "consent_requested_at",
        "source",
        "updated_at",
    ]
    list_filter = ["channel", "verified", "source", "platform"]
    search_fields = ["recipient_key", "address"]
    readonly_fields = ["verified_at", "consent_requested_at", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if (
            not change
            and ChannelOptOut.objects.filter(
                recipient_key=obj.recipient_key, channel=obj.channel
            ).exists()
        ):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(ChannelOptOut)
class ChannelOptOutAdmin(admin.ModelAdmin):
    """Staff see opt-outs and may record one on a customer's request, but
    can never change or remove one (seed 000: irreversible)."""

    list_display = ["created_at", "channel", "recipient_key", "address", "source", "note"]
    list_filter = ["channel", "source", "created_at"]
    search_fields = ["recipient_key", "address"]
    fields = ["channel", "recipient_key", "address", "source", "note", "created_at"]
    readonly_fields = ["created_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        from notifications import services

        if obj.recipient_key:
            created = services.channel_opt_out(
                recipient_key=obj.recipient_key,
                channel=obj.channel,
                source=obj.source,
                note=obj.note,
            )
        else:
            services.address_opt_out(
                channel=obj.channel, address=obj.address, source=obj.source, note=obj.note
            )
            created = ChannelOptOut.objects.get(channel=obj.channel, address=obj.address)
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(TopicPreference)
class TopicPreferenceAdmin(admin.ModelAdmin):
    list_display = ["recipient_key", "topic", "channel", "enabled", "updated_at"]
    list_filter = ["topic", "channel", "enabled"]
    search_fields = ["recipient_key"]

    def save_model(self, request, obj, form, change):
        from notifications import services

        try:
            saved = services.preference_set(
                recipient_key=obj.recipient_key,
                topic=obj.topic,
                channel=obj.channel,
                enabled=obj.enabled,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            raise PermissionDenied from exc
        obj.pk = saved.pk


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "channel", "address", "body", "action", "reply"]
    list_filter = ["channel", "action", "received_at"]
    search_fields = ["address", "body"]


def _preview_parts(rendered, channel):
    parts = []
    if rendered.subject:
        parts.append((_("Subject / title"), rendered.subject))
    label = {
        "email": _("Text part"),
        "sms": _("Text message"),
        "voice": _("Voice script"),
        "push": _("Body"),
    }[channel]
    text = rendered.body_text
    if channel == "sms":
        text = f"{text}\n\n({len(text)} / 160)"
    parts.append((label, text))
    return parts


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["topic", "channel", "language", "subject", "active", "updated_at"]
    list_filter = ["topic", "channel", "language", "active"]
    readonly_fields = ["preview", "created_at", "updated_at"]
    fields = [
        "topic",
        "channel",
        "language",
        "active",
        "subject",
        "body_text",
        "body_html",
        "preview",
    ]
    change_list_template = "admin/notifications/messagetemplate/change_list.html"

    def get_changeform_initial_data(self, request):
        """Start an override from the shipped default (?topic=&channel=&language=)."""
        initial = super().get_changeform_initial_data(request)
        topic, channel = initial.get("topic"), initial.get("channel")
        language = initial.get("language", "en")
        if topic in TOPICS and channel in FILES:
            source = default_source(topic, channel, language)
            if source is not None:
                initial.update(
                    subject=source.subject, body_text=source.body_text, body_html=source.body_html
                )
        return initial

    @admin.display(description=_("Preview with sample data"))
    def preview(self, obj):
        if obj is None or not obj.pk:
            return "—"
        source = TemplateSource(obj.subject, obj.body_text, obj.body_html, "override")
        try:
            rendered = render_source(
                source,
                channel=obj.channel,
                language=obj.language,
                context=sample_context(obj.topic, obj.language),
            )
        except Exception as exc:  # noqa: BLE001 - show the error to staff
            return format_html('<p class="errornote">{}</p>', exc)
        html_url = reverse("admin:notifications_messagetemplate_html", args=[obj.pk])
        return _preview_html(rendered, obj.channel, html_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        overrides_cache_clear()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        overrides_cache_clear()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        overrides_cache_clear()

    def get_urls(self):
        urls = super().get_urls()
        custom = [
            path(
                "defaults/",
                self.admin_site.admin_view(self.defaults_view),
                name="notifications_messagetemplate_defaults",
            ),
            path(
                "defaults/<str:topic>/<str:language>/html/",
                self.admin_site.admin_view(self.default_html_view),
                name="notifications_messagetemplate_default_html",
            ),
            path(
                "<int:pk>/html/",
                self.admin_site.admin_view(self.html_view),
                name="notifications_messagetemplate_html",
            ),
        ]
        return custom + urls

    def html_view(self, request, pk):
        obj = self.get_object(request, str(pk))
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        source = TemplateSource(obj.subject, obj.body_text, obj.body_html, "override")
        rendered = render_source(
            source,
            channel=obj.channel,
            language=obj.language,
            context=sample_context(obj.topic, obj.language),
        )
        return _html_response(_sample_document(rendered, obj.language))

    def default_html_view(self, request, topic, language):
        if not self.has_view_permission(request) or topic not in TOPICS:
            raise PermissionDenied
        source = template_source(topic, "email", language)
        if source is None:
            raise PermissionDenied
        rendered = render_source(
            source, channel="email", language=language, context=sample_context(topic, language)
        )
        return _html_response(_sample_document(rendered, language))

    def defaults_view(self, request):
        """Every topic x channel x language as sent today, with sample data."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = []
        for topic in TOPICS.values():
            for channel in topic.channels:
                for language in ("en", "es"):
                    source = template_source(topic.key, channel, language)
                    if source is None:
                        continue
                    rendered = render_source(
                        source,
                        channel=channel,
                        language=language,
                        context=sample_context(topic.key, language),
                    )
                    add_url = reverse("admin:notifications_messagetemplate_add") + (
                        f"?topic={topic.key}&channel={channel}&language={language}"
                    )
                    rows.append(
                        {
                            "topic": topic,
                            "channel": channel,
                            "language": language,
                            "origin": source.origin,
                            "preview": _preview_html(
                                rendered,
                                channel,
                                reverse(
                                    "admin:notifications_messagetemplate_default_html",
                                    args=[topic.key, language],
                                ),
                            ),
                            "add_url": add_url,
                        }
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Message templates as sent"),
            "rows": rows,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/notifications/messagetemplate/defaults.html", context
        )


def _preview_html(rendered, channel, html_url: str = ""):
    parts = format_html_join(
        "", '<dt>{}</dt><dd class="notify-preview-text">{}</dd>', _preview_parts(rendered, channel)
    )
    html = ""
    if rendered.body_html and html_url:
        html = format_html("<dt>{}</dt><dd>{}</dd>", _("HTML part"), _preview_frame(html_url))
    return format_html('<dl class="notify-preview-list">{}{}</dl>', parts, html)


def _preview_frame(url: str):
    # Sandboxed: the e-mail's HTML is shown, never run with the admin's rights.
    return format_html(
        '<iframe sandbox="" class="notify-preview" title="{}" src="{}"></iframe>',
        _("E-mail preview"),
        url,
    )


# The preview page is framed by the admin and shows e-mail HTML with its
# inline styles; it may load nothing and run nothing.
PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": ["https:", "data:"],
    "frame-ancestors": [CSP.SELF],
}


def _html_response(html: str) -> HttpResponse:
    response = HttpResponse(html)
    response._csp_config = PREVIEW_CSP
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def _sample_document(rendered, language: str) -> str:
    return email_document(
        fragment=rendered.body_html,
        subject=rendered.subject,
        language=language,
        unsubscribe_url="https://portal.example/notifications/unsubscribe/sample/",
        preferences_url="https://portal.example/notifications/preferences/",
    )
