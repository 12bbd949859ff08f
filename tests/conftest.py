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


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Spanish must not leave Spanish active for the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _no_stray_sessions_at_the_end(django_db_setup, django_db_blocker):
    """Close what other threads left open, so the test database can be dropped.

    A live-server request thread whose browser went away mid-response never
    sees request_finished, so its PostgreSQL connection outlives the run.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


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


def require_postgresql(reason: str) -> None:
    """Skip on SQLite; CI's PostgreSQL run forbids skips (CI_FORBID_SKIPS)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(f"{reason} (PostgreSQL only; runs in CI's PostgreSQL pass)")


_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # CI's PostgreSQL pass has every real component: a skipped test there is a
    # test that never runs anywhere, so it fails the build.
    if os.environ.get("CI_FORBID_SKIPS") == "1" and _skipped:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(f"CI_FORBID_SKIPS: {len(_skipped)} skipped test(s):", red=True)
            for nodeid in _skipped:
                reporter.write_line(f"  {nodeid}", red=True)
        session.exitstatus = 1


@pytest.fixture
def outbox():
    """The notification channels' in-memory outbox (test settings map every
    channel to notifications.channels.locmem), emptied for each test."""
    from notifications.channels import locmem

    locmem.outbox_clear()
    yield locmem.outbox
    locmem.outbox_clear()
