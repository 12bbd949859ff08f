"""The baseline task of bench/fanout.py: does nothing but count itself."""

import os

import redis
from celery import shared_task

_client = None


@shared_task(name="bench.noop")
def noop_task(counter: str) -> None:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    _client.incr(counter)
