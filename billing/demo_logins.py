"""The demo staff and customer logins that go with the demo utility."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from billing.models import AccessRole, Customer, CustomerAccess
from users.roles import ROLE_PERMISSIONS

DEMO_CUSTOMER_ID = "C2000000"
DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - printed for the demo, documented in README


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


def demo_logins_create() -> list[DemoLogin]:
    """Create (or reset) the demo logins; idempotent."""
    User = get_user_model()  # noqa: N806
    staff = _login(User, "staff@example.com", "Sam Staff", is_staff=True, is_superuser=True)
    staff.groups.set(Group.objects.filter(name__in=ROLE_PERMISSIONS))
    customer_user = _login(User, "customer@example.com", "Alex Rivera")
    for customer in Customer.objects.filter(customer_id=DEMO_CUSTOMER_ID):
        CustomerAccess.objects.get_or_create(
            user=customer_user, customer=customer, defaults={"role": AccessRole.OWNER}
        )
    return [
        DemoLogin("staff", staff.email, DEMO_PASSWORD),
        DemoLogin("customer", customer_user.email, DEMO_PASSWORD),
    ]


def _login(User, email: str, name: str, **flags):  # noqa: N803
    user, _ = User.objects.get_or_create(email=email, defaults={"name": name, **flags})
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
