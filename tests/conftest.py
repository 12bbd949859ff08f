import os
import shutil

import pytest

from tests.factories import StaffUserFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def home(db):
    """A dual-fuel home with a smart meter and a previous occupant (tests/homes.py)."""
    from tests.homes import home_build

    return home_build()


@pytest.fixture
def superuser(db):
    return StaffUserFactory(is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def running_in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip locally when a real component is missing; in CI, fail instead."""
    if condition:
        return
    if running_in_ci():
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)
