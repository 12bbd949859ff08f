"""Who a message is for, independent of any domain model."""

from __future__ import annotations

from dataclasses import dataclass

STAFF_PREFIX = "staff:"
CUSTOMER_PREFIX = "customer:"


@dataclass(frozen=True)
class Recipient:
    """A message's addressee.

    `key` is stable and opaque to this app: "customer:<billing.Customer pk>"
    for a customer at a premise, "staff:<group name>" for the members of a
    staff group (they get e-mail at their login address).
    """

    key: str
    language: str = "en"
    time_zone: str | None = None
    name: str = ""

    @property
    def is_staff_group(self) -> bool:
        return self.key.startswith(STAFF_PREFIX)

    @property
    def staff_group(self) -> str:
        return self.key.removeprefix(STAFF_PREFIX)
