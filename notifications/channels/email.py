"""E-mail through a Django 6.1 mailer (MAILERS): SMTP, console, or an ESP
through django-anymail.

Each message is multipart (text + HTML) and carries RFC 8058 one-click
unsubscribe headers (List-Unsubscribe + List-Unsubscribe-Post).
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from notifications.channels.base import (
    PERMANENT,
    SENT,
    TRANSIENT,
    BaseChannel,
    DeliveryResult,
    OutboundMessage,
)


class EmailChannel(BaseChannel):
    """OPTIONS: "mailer" (a MAILERS alias, default "default"), "from_email"."""

    supports_delivery_receipts = True  # with an ESP's tracking webhook
    max_batch_size = 200

    def build(self, message: OutboundMessage) -> EmailMultiAlternatives:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=self.options.get("from_email") or settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers={"Message-ID": f"<{message.uuid}@notifications.portal>", **message.headers},
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        # Read by anymail (metadata) and by the e-mail receipt webhook.
        email.metadata = {"message_uuid": message.uuid, "topic": message.topic}
        return email

    def send_many(self, messages: Sequence[OutboundMessage]) -> list[DeliveryResult]:
        connection = mail.mailers[self.options.get("mailer", "default")]
        results = []
        try:
            connection.open()
        except (OSError, smtplib.SMTPException) as exc:
            return [DeliveryResult(TRANSIENT, detail=f"mailer unavailable: {exc}")] * len(messages)
        try:
            for message in messages:
                results.append(self._send_one(connection, message))
        finally:
            connection.close()
        return results

    def send(self, message: OutboundMessage) -> DeliveryResult:
        return self.send_many([message])[0]

    def _send_one(self, connection, message: OutboundMessage) -> DeliveryResult:
        email = self.build(message)
        try:
            connection.send_messages([email])
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            return DeliveryResult(PERMANENT, detail=f"refused: {exc}"[:500])
        except smtplib.SMTPResponseException as exc:
            status = PERMANENT if 500 <= exc.smtp_code < 600 else TRANSIENT
            return DeliveryResult(status, detail=f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"[:500])
        except (OSError, smtplib.SMTPException) as exc:
            return DeliveryResult(TRANSIENT, detail=str(exc)[:500])
        except Exception as exc:  # noqa: BLE001 - ESP libraries raise their own errors
            return _anymail_result(exc)
        status = getattr(email, "anymail_status", None)
        provider_id = (getattr(status, "message_id", None) or message.uuid) if status else ""
        return DeliveryResult(SENT, provider_id=str(provider_id or message.uuid))


def _anymail_result(exc: Exception) -> DeliveryResult:
    """Classify an anymail error; anything unknown is worth one more try."""
    name = type(exc).__name__
    if name in {"AnymailRecipientsRefused", "AnymailInvalidAddress"}:
        return DeliveryResult(PERMANENT, detail=f"{name}: {exc}"[:500])
    return DeliveryResult(TRANSIENT, detail=f"{name}: {exc}"[:500])
