"""A stand-in for notifications.services.notify_bulk, set as REBATES_NOTIFY_SENDER."""

SENT: list[dict] = []


def record_send(*, topic, items, batch_key, channels):
    for recipient, context in items:
        SENT.append(
            {
                "topic": topic,
                "recipient": recipient,
                "context": context,
                "key": f"{batch_key}:{recipient.key}",
                "channels": tuple(channels),
            }
        )
