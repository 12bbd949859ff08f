"""Production settings: secure cookies, HTTPS, a strict CSP, the Redis cache."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from django.conf import settings
import django
django.setup()
print(json.dumps({
    "debug": settings.DEBUG,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "csp": {k: [str(v) for v in vals] for k, vals in settings.SECURE_CSP.items()},
    "cache": settings.CACHES["default"]["BACKEND"],
}))
"""


def _production(**extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "portal.example.com",
        **extra,
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_uses_secure_cookies_https_and_a_strict_csp():
    settings = _production(REDIS_CACHE_URL="redis://127.0.0.1:6379/9")
    assert settings["debug"] is False
    assert settings["session_secure"] is True
    assert settings["csrf_secure"] is True
    assert settings["session_httponly"] is True
    assert settings["ssl_redirect"] is True
    assert settings["hsts"] >= 31536000
    for directive in ("script-src", "style-src"):
        values = settings["csp"][directive]
        assert "'unsafe-inline'" not in values
        assert "'self'" in values
    # allauth's rate limits need a shared cache: Redis when REDIS_CACHE_URL is set.
    assert settings["cache"] == "django.core.cache.backends.redis.RedisCache"
