"""The demo staff and customer logins that go with the demo utility."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
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
    note: str = ""


def demo_logins_create() -> list[DemoLogin]:
    """Create (or reset) the demo logins; idempotent."""
    User = get_user_model()  # noqa: N806
    staff = _login(User, "staff@example.com", "Sam Staff", is_staff=True, is_superuser=True)
    staff.groups.set(Group.objects.filter(name__in=ROLE_PERMISSIONS))
    # Staff must use two-factor authentication. In development the demo staff
    # login has it, answered by the bypass code; elsewhere staff set it up at
    # their first sign-in.
    bypass = _bypass_code()
    has_totp = Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    if bypass and not has_totp:
        TOTP.activate(staff, generate_totp_secret())
    customer_user = _login(User, "customer@example.com", "Alex Rivera")
    for customer in Customer.objects.filter(customer_id=DEMO_CUSTOMER_ID):
        CustomerAccess.objects.get_or_create(
            user=customer_user, customer=customer, defaults={"role": AccessRole.OWNER}
        )
    return [
        DemoLogin("staff", staff.email, DEMO_PASSWORD, _staff_second_factor_note()),
        DemoLogin("customer", customer_user.email, DEMO_PASSWORD),
    ]


def _bypass_code() -> str | None:
    return getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", None) if settings.DEBUG else None


def _staff_second_factor_note() -> str:
    if code := _bypass_code():
        return f"two-factor code: {code} (development settings only)"
    return "sets up two-factor authentication at first sign-in"


def _login(User, email: str, name: str, **flags):  # noqa: N803
    user, _ = User.objects.get_or_create(email=email, defaults={"name": name, **flags})
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
