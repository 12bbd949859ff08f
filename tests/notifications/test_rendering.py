"""Every shipped template renders in both languages; texts fit in 160."""

import pytest
from django.core.exceptions import ValidationError

from notifications.rendering import (
    SMS_MAX_LENGTH,
    default_source,
    email_document,
    message_render,
    overrides_cache_clear,
    sample_context,
)
from notifications.topics import PTR_PRE_EVENT, TOPICS
from tests.factories import MessageTemplateFactory

pytestmark = pytest.mark.django_db

SHIPPED = [
    (topic.key, channel, language)
    for topic in TOPICS.values()
    for channel in topic.channels
    for language in ("en", "es")
]


@pytest.mark.parametrize(("topic", "channel", "language"), SHIPPED)
def test_every_shipped_template_renders_with_sample_data(topic, channel, language):
    source = default_source(topic, channel, language)
    assert source is not None, f"no default template for {topic}/{channel}"
    rendered = message_render(
        topic=topic,
        channel=channel,
        language=language,
        context=sample_context(topic, language),
    )
    assert rendered.body_text
    assert "{{" not in rendered.body_text
    assert "{%" not in rendered.body_text
    if channel == "sms":
        assert len(rendered.body_text) <= SMS_MAX_LENGTH, rendered.body_text
    if channel in ("email", "push"):
        assert rendered.subject
    if channel == "email":
        assert rendered.body_html.startswith("<")
        document = email_document(
            fragment=rendered.body_html,
            subject=rendered.subject,
            language=language,
            unsubscribe_url="https://u.example/",
            preferences_url="https://p.example/",
        )
        assert document.startswith("<!doctype html>")
        assert rendered.body_html in document
        assert 'href="https://u.example/"' in document
        assert "Prairie Valley Energy" in document
    if channel == "voice":
        assert rendered.body_text.startswith(("This is", "Este es", "Le habla"))
        assert "press 9" in rendered.body_text or "oprima 9" in rendered.body_text


@pytest.mark.parametrize("topic", [t for t in TOPICS if t not in ("staff.import_failed",)])
def test_every_customer_topic_ships_spanish(topic):
    for channel in TOPICS[topic].channels:
        path_es = default_source(topic, channel, "es")
        path_en = default_source(topic, channel, "en")
        assert path_es is not None
        assert (path_es.subject, path_es.body_text) != (path_en.subject, path_en.body_text)


def test_a_staff_override_replaces_the_default_until_deactivated():
    template = MessageTemplateFactory(
        topic=PTR_PRE_EVENT, channel="sms", language="en", body_text="Peak {{ event_date }}!"
    )
    overrides_cache_clear()
    rendered = message_render(
        topic=PTR_PRE_EVENT, channel="sms", language="en", context={"event_date": "July 14"}
    )
    assert rendered.body_text == "Peak July 14!"
    template.active = False
    template.save()
    overrides_cache_clear()
    rendered = message_render(
        topic=PTR_PRE_EVENT, channel="sms", language="en", context={"event_date": "July 14"}
    )
    assert rendered.body_text.startswith("Prairie Valley Energy: Peak event July 14")


def test_saving_a_text_template_over_160_characters_is_refused():
    template = MessageTemplateFactory.build(
        topic=PTR_PRE_EVENT,
        channel="sms",
        language="en",
        body_text="{{ utility.name }}: " + "x" * 150,
    )
    with pytest.raises(ValidationError, match="at most 160 characters"):
        template.full_clean()


def test_a_template_with_a_syntax_error_is_refused():
    template = MessageTemplateFactory.build(channel="sms", body_text="{% if %}")
    with pytest.raises(ValidationError, match="Template error"):
        template.full_clean()


def test_a_template_for_a_channel_the_topic_does_not_use_is_refused():
    template = MessageTemplateFactory.build(
        topic="billing.bill_ready", channel="voice", body_text="Your bill"
    )
    with pytest.raises(ValidationError, match="not sent on this channel"):
        template.full_clean()


def test_html_part_escapes_context_values():
    rendered = message_render(
        topic=PTR_PRE_EVENT,
        channel="email",
        language="en",
        context={**sample_context(PTR_PRE_EVENT, "en"), "event_date": "<script>x</script>"},
    )
    assert "<script>x</script>" not in rendered.body_html
    assert "<h2>" in rendered.body_html
    assert "&lt;script&gt;" in rendered.body_html
    assert "<script>x</script>" in rendered.body_text
