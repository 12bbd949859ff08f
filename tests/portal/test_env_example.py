"""`.env.example` lists every setting the portal reads from the environment."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# env("NAME", env.int("NAME", env.bool( … across line breaks too.
READ = re.compile(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"')


def _read_by_settings() -> set[str]:
    names = set()
    for path in (ROOT / "portal" / "settings").glob("*.py"):
        names |= set(READ.findall(path.read_text()))
    return names


def _listed() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.M))


def test_every_environment_variable_is_in_env_example():
    read = _read_by_settings()
    assert {"DATABASE_URL", "TWILIO_VOICE_FROM_NUMBER", "VAPID_PRIVATE_KEY"} <= read
    assert sorted(read - _listed()) == []
