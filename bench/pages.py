"""Load the signed-in dashboard under concurrent requests, against a trivial view.

Runs against the database in DATABASE_URL (PostgreSQL seeded with
`seed_demo --customers 100000` and `neighbor_comparisons_refresh`), served by
gunicorn (2 sync workers) with production settings: DEBUG off, persistent
connections (psycopg pool), whitenoise, the Redis cache. The load comes from
`wrk` (apt-get install wrk), 16 connections, each request with the session
cookie of one of `--logins` customers picked at random from the demo data
(dual fuel, smart meters, apartments...).

Measured in the same run, in interleaved rounds (medians reported):
  trivial      GET /healthz (a SELECT 1), same middleware and session cookies
  dashboard    GET / with the dashboard cache on (the production setting; every
               customer has visited once), then again with the cache off (every
               request builds the dashboard from the database)

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_issue4 \\
      REDIS_CACHE_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/pages.py
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LUA = """
local sessions = {}
for line in io.lines("%(cookies)s") do sessions[#sessions + 1] = line end
math.randomseed(%(seed)d)
request = function()
  local cookie = sessions[math.random(#sessions)]
  local headers = {["Cookie"] = "sessionid=" .. cookie, ["Host"] = "127.0.0.1"}
  return wrk.format("GET", "%(path)s", headers)
end
"""


def env_for_server(cache_seconds: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789"
        ),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "INSIGHTS_DASHBOARD_CACHE_SECONDS": str(cache_seconds),
        "LOG_LEVEL": "WARNING",
    }


def sessions_create(count: int, seed: int) -> list[str]:
    """Sign in `count` bench logins, each linked to a random demo customer."""
    os.environ.update(env_for_server(0))
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from billing.models import AccessRole, Customer, CustomerAccess
    from billing.selectors import customer_list_for_user
    from users.models import User

    rng = random.Random(seed)
    top = Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked = sorted(rng.sample(range(1, top + 1), min(count * 2, top)))
    customers = list(Customer.objects.filter(pk__in=picked).order_by("pk"))
    keys = []
    for index, customer in enumerate(customers):
        if len(keys) == count:
            break
        user, _ = User.objects.get_or_create(email=f"bench{index}@example.com")
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        CustomerAccess.objects.get_or_create(
            user=user, customer=customer, defaults={"role": AccessRole.OWNER}
        )
        if not customer_list_for_user(user=user).exists():
            continue  # a closed account (a previous occupant): no web access
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def server_start(port: int, cache_seconds: int) -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    process = subprocess.Popen(  # noqa: S603
        [str(gunicorn), "portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env_for_server(cache_seconds),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def server_stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def wrk_run(port: int, path: str, cookies: Path, duration: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"cookies": cookies, "path": path, "seed": 7})
    output = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk") or "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(script.name).unlink()

    def ms(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "raw": output,
    }


def _median_run(runs: list[dict]) -> dict:
    """Median of each figure over the rounds; errors summed."""

    def median(key):
        return statistics.median(r[key] for r in runs)

    return {
        "rps": median("rps"),
        "p50": median("p50"),
        "p99": median("p99"),
        "errors": sum(r["errors"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=200)
    parser.add_argument("--duration", type=int, default=10, help="Seconds per measurement.")
    parser.add_argument("--rounds", type=int, default=3, help="Interleaved rounds per view.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8148)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        raise SystemExit("Set DATABASE_URL to the seeded PostgreSQL database.")

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env_for_server(0),
        check=True,
    )
    keys = sessions_create(args.logins, args.seed)
    cookies = Path(tempfile.mkstemp(suffix=".txt")[1])
    cookies.write_text("\n".join(keys) + "\n")
    print(
        f"{len(keys)} signed-in customers, {args.connections} connections, {args.rounds} rounds "
        f"of {args.duration}s per view, gunicorn 2 sync workers, production settings; "
        f"load average at the start: {os.getloadavg()[0]:.1f}"
    )
    rows = []
    for label, cache_seconds in (("cache on", 6 * 3600), ("cache off", 0)):
        server = server_start(args.port, cache_seconds)
        try:
            if cache_seconds:
                # Every customer has been seen once (as after their first visit).
                for key in keys:
                    request = urllib.request.Request(
                        f"http://127.0.0.1:{args.port}/", headers={"Cookie": f"sessionid={key}"}
                    )
                    urllib.request.urlopen(request, timeout=60).read()  # noqa: S310
            for path in ("/healthz", "/"):
                wrk_run(args.port, path, cookies, 3, args.connections)  # warm-up
            # Interleaved rounds, so both views see the same (shared, noisy) machine.
            runs: dict[str, list[dict]] = {"/healthz": [], "/": []}
            for _ in range(args.rounds):
                for path in runs:
                    runs[path].append(
                        wrk_run(args.port, path, cookies, args.duration, args.connections)
                    )
        finally:
            server_stop(server)
        trivial = _median_run(runs["/healthz"])
        dashboard = _median_run(runs["/"])
        rows.append((f"trivial /healthz ({label})", trivial, trivial))
        rows.append((f"dashboard ({label})", dashboard, trivial))
    cookies.unlink()

    header = f"{'view':<30}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
    print(f"\n{header}{'rps ratio':>11}{'p99 x':>8}")
    for name, r, trivial in rows:
        print(
            f"{name:<30}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['errors']:>8}"
            f"{r['rps'] / trivial['rps']:>10.0%}{r['p99'] / trivial['p99']:>8.1f}"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores, shared machine)")
    print("\ntarget: dashboard >= 20% of the trivial view's requests/s, p99 within 5x")


if __name__ == "__main__":
    main()
