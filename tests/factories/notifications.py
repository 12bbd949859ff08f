import factory
from django.utils import timezone

from notifications.models import (
    ChannelOptOut,
    ContactPoint,
    DeliveryAttempt,
    InboundMessage,
    Message,
    MessageTemplate,
    TopicPreference,
)
from notifications.topics import PTR_PRE_EVENT


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    recipient_key = factory.Sequence(lambda n: f"customer:{n + 1000}")
    channel = "email"
    address = factory.Sequence(lambda n: f"person{n}@example.com")
    source = "test"

    class Params:
        mobile = factory.Trait(
            channel="sms",
            address=factory.Sequence(lambda n: f"+1312555{n % 10000:04d}"),
            verified=True,
            verified_at=factory.LazyFunction(timezone.now),
        )


class ChannelOptOutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelOptOut

    channel = "sms"
    recipient_key = factory.Sequence(lambda n: f"customer:{n + 5000}")
    source = ChannelOptOut.Source.PORTAL


class TopicPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicPreference

    recipient_key = factory.Sequence(lambda n: f"customer:{n + 2000}")
    topic = PTR_PRE_EVENT
    channel = "email"
    enabled = False


class MessageTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageTemplate
        django_get_or_create = ("topic", "channel", "language")

    topic = PTR_PRE_EVENT
    channel = "sms"
    language = "en"
    body_text = "{{ utility.name }}: peak event {{ event_date }} {{ start_time }}-{{ end_time }}."


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    batch_key = factory.LazyAttribute(lambda o: o.idempotency_key)
    recipient_key = factory.Sequence(lambda n: f"customer:{n + 3000}")
    topic = PTR_PRE_EVENT
    channel = "email"
    address = factory.Sequence(lambda n: f"recipient{n}@example.com")
    subject = "Peak event tomorrow"
    body_text = "Use less from 2 p.m. to 7 p.m."
    body_html = "<p>Use less from 2 p.m. to 7 p.m.</p>"
    status = Message.Status.SENT
    provider_id = factory.Sequence(lambda n: f"provider-{n}")
    attempts = 1
    sent_at = factory.LazyFunction(timezone.now)


class DeliveryAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryAttempt

    message = factory.SubFactory(MessageFactory)
    number = 1
    outcome = DeliveryAttempt.Outcome.SENT


class InboundMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboundMessage

    channel = "sms"
    address = "+13125550100"
    body = "HELP"
    action = InboundMessage.Action.HELP
    reply = "Help text"
