"""Message templates: shipped defaults (files) and staff overrides (admin).

Defaults live in templates/notifications/messages/<topic>/<language>/:

    email_subject.txt  email_body.txt  email_body.html (optional)
    sms.txt  voice.txt  push_title.txt  push_body.txt

A text message renders to at most 160 characters (checked when staff save
an override, and by the tests for every shipped template).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template import Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from notifications.fastrender import FastTemplate
from notifications.topics import TOPICS, Channel, topic_get
from portal.utility import utility_get

DEFAULTS_DIR = Path(__file__).resolve().parent / "templates" / "notifications" / "messages"
SMS_MAX_LENGTH = 160
FALLBACK_LANGUAGE = "en"
OVERRIDES_CACHE_KEY = "notifications:template-overrides"

# channel -> (subject file, text file, html file)
FILES = {
    Channel.EMAIL: ("email_subject.txt", "email_body.txt", "email_body.html"),
    Channel.SMS: (None, "sms.txt", None),
    Channel.VOICE: (None, "voice.txt", None),
    Channel.PUSH: ("push_title.txt", "push_body.txt", None),
}


@dataclass(frozen=True)
class TemplateSource:
    subject: str
    body_text: str
    body_html: str
    origin: str  # "default" or "override"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str


# One engine for message templates: plain Django templates, no request.
_engine = Engine(
    builtins=["django.templatetags.i18n", "django.contrib.humanize.templatetags.humanize"],
    autoescape=True,
)


@lru_cache(maxsize=1024)
def _compile(source: str, *, autoescape: bool) -> FastTemplate:
    if not autoescape:
        source = "{% autoescape off %}" + source + "{% endautoescape %}"
    return FastTemplate(_engine.from_string(source), autoescape)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip() if path.exists() else ""


@lru_cache(maxsize=512)
def default_source(topic: str, channel: str, language: str) -> TemplateSource | None:
    subject_file, text_file, html_file = FILES[channel]
    for lang in dict.fromkeys([language, FALLBACK_LANGUAGE]):
        folder = DEFAULTS_DIR / topic / lang
        text = _read(folder / text_file)
        if text:
            return TemplateSource(
                subject=_read(folder / subject_file) if subject_file else "",
                body_text=text,
                body_html=_read(folder / html_file) if html_file else "",
                origin="default",
            )
    return None


def _overrides() -> dict[tuple[str, str, str], TemplateSource]:
    overrides = cache.get(OVERRIDES_CACHE_KEY)
    if overrides is None:
        from notifications.models import MessageTemplate

        overrides = {
            (t.topic, t.channel, t.language): TemplateSource(
                t.subject, t.body_text, t.body_html, "override"
            )
            for t in MessageTemplate.objects.filter(active=True)
        }
        cache.set(OVERRIDES_CACHE_KEY, overrides, 60)
    return overrides


def overrides_cache_clear() -> None:
    cache.delete(OVERRIDES_CACHE_KEY)


def template_source(topic: str, channel: str, language: str) -> TemplateSource | None:
    overrides = _overrides()
    for lang in dict.fromkeys([language, FALLBACK_LANGUAGE]):
        override = overrides.get((topic, channel, lang))
        if override is not None:
            return override
        default = default_source(topic, channel, lang)
        if default is not None:
            return default
    return None


def base_context(*, language: str, recipient_name: str = "") -> dict:
    utility = utility_get()
    return {
        "utility": utility,
        "recipient_name": recipient_name,
        "language": language,
    }


def render_source(
    source: TemplateSource, *, channel: str, language: str, context: dict
) -> Rendered:
    subject = _compile(source.subject, autoescape=False).render(context, language).strip()
    body_text = _compile(source.body_text, autoescape=False).render(context, language).strip()
    body_html = ""
    if channel == Channel.EMAIL:
        if source.body_html:
            content = _compile(source.body_html, autoescape=True).render(context, language)
        else:
            # The layout has its own footer: drop the text's signature.
            content = linebreaks(urlize(escape(body_text.split("\n--\n")[0])))
        # The fragment; email_document() wraps it in the layout at send
        # time (rendered once per language, not once per message).
        body_html = content.strip()
    # Subjects and titles are one line.
    subject = " ".join(subject.split())
    if channel in (Channel.SMS, Channel.PUSH):
        body_text = " ".join(body_text.split())
    return Rendered(subject=subject, body_text=body_text, body_html=body_html)


_LAYOUT_MARKERS = ("@@CONTENT@@", "@@SUBJECT@@", "@@UNSUBSCRIBE@@", "@@PREFERENCES@@")


@lru_cache(maxsize=32)
def _layout(language: str, utility, customer: bool) -> tuple[str, ...]:
    with translation.override(language):
        html = render_to_string(
            "notifications/messages/email_layout.html",
            {
                "utility": utility,
                "language": language,
                "content": mark_safe(_LAYOUT_MARKERS[0]),
                "subject": _LAYOUT_MARKERS[1],
                "unsubscribe_url": _LAYOUT_MARKERS[2] if customer else "",
                "preferences_url": _LAYOUT_MARKERS[3] if customer else "",
            },
        )
    return tuple(html.split(_LAYOUT_MARKERS[0]))


def email_document(
    *, fragment: str, subject: str, language: str, unsubscribe_url: str, preferences_url: str
) -> str:
    """The full HTML e-mail: the layout (header, footer, unsubscribe link)
    around a message's HTML fragment."""
    if not fragment:
        return ""
    head, tail = _layout(language, utility_get(), bool(unsubscribe_url))
    values = {
        _LAYOUT_MARKERS[1]: escape(subject),
        _LAYOUT_MARKERS[2]: escape(unsubscribe_url),
        _LAYOUT_MARKERS[3]: escape(preferences_url),
    }
    for marker, value in values.items():
        head = head.replace(marker, value)
        tail = tail.replace(marker, value)
    return head + fragment + tail


def message_render(*, topic: str, channel: str, language: str, context: dict) -> Rendered | None:
    """Render a topic's template for a channel; None if the topic has none."""
    source = template_source(topic, channel, language)
    if source is None:
        return None
    if "utility" not in context:
        context = {**base_context(language=language), **context}
    return render_source(source, channel=channel, language=language, context=context)


def sample_context(topic: str, language: str) -> dict:
    return {
        **base_context(language=language, recipient_name="Alex Rivera"),
        **topic_get(topic).sample_context,
        "unsubscribe_url": "https://portal.example/notifications/unsubscribe/sample/",
        "preferences_url": "https://portal.example/notifications/preferences/",
        "portal_url": "https://portal.example/",
    }


def template_validate(*, template) -> None:
    """Raise ValidationError unless `template` compiles and, for a text
    message, renders to at most 160 characters with the topic's sample data."""
    errors = {}
    if template.topic in TOPICS and template.channel not in topic_get(template.topic).channels:
        errors["channel"] = _("This topic is not sent on this channel.")
    if template.channel in (Channel.EMAIL, Channel.PUSH) and not template.subject.strip():
        errors["subject"] = _("E-mail and push templates need a subject / title.")
    if errors:
        raise ValidationError(errors)
    source = TemplateSource(template.subject, template.body_text, template.body_html, "override")
    try:
        rendered = render_source(
            source,
            channel=template.channel,
            language=template.language,
            context=sample_context(template.topic, template.language),
        )
    except TemplateSyntaxError as exc:
        raise ValidationError(_("Template error: %(error)s"), params={"error": exc}) from exc
    if template.channel == Channel.SMS and len(rendered.body_text) > SMS_MAX_LENGTH:
        raise ValidationError(
            {
                "body_text": _(
                    "A text message may have at most %(max)d characters; with sample data "
                    "this one has %(count)d."
                )
                % {"max": SMS_MAX_LENGTH, "count": len(rendered.body_text)}
            }
        )
