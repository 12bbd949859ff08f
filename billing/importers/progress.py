"""Publishing an import's progress while its transaction is still open.

The data of a file is applied in one transaction, so nothing it writes is
visible until it commits. Progress therefore goes through a second, short
autocommit connection on PostgreSQL. SQLite allows one writer at a time, so
there the run shows its progress only when it finishes (imports on the
embedded default are small and run inline anyway).
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.utils import load_backend
from django.utils import timezone

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], None]


class RunProgress:
    """Call `callback(phase, done, total)` and, throttled, record it on the run."""

    def __init__(
        self,
        *,
        run_pk: int | None,
        total: int,
        callback: ProgressCallback | None = None,
        using: str = "default",
        every_seconds: float | None = None,
    ):
        self.run_pk = run_pk
        self.total = total
        self.callback = callback
        self.using = using
        if every_seconds is None:
            every_seconds = getattr(settings, "BILLING_IMPORT_PROGRESS_SECONDS", 1.0)
        self.every = every_seconds
        self._last = 0.0
        self._side = None
        self._disabled = connections[using].vendor != "postgresql" or run_pk is None

    def __call__(self, phase: str, done: int, *, force: bool = False) -> None:
        if self.callback is not None:
            self.callback(phase, done, self.total)
        now = time.monotonic()
        if self._disabled or (not force and now - self._last < self.every):
            return
        self._last = now
        try:
            with self._connection().cursor() as cursor:
                cursor.execute(
                    "UPDATE billing_importrun SET phase = %s, bytes_done = %s, updated_at = %s "
                    "WHERE id = %s",
                    [phase, done, timezone.now(), self.run_pk],
                )
        except DatabaseError:
            # Progress is a courtesy; never let it break an import.
            logger.warning("Could not record import progress", exc_info=True)
            self._disabled = True

    def _connection(self):
        if self._side is None:
            settings_dict = copy.deepcopy(connections[self.using].settings_dict)
            settings_dict.setdefault("OPTIONS", {}).pop("pool", None)
            backend = load_backend(settings_dict["ENGINE"])
            self._side = backend.DatabaseWrapper(settings_dict, alias=f"{self.using}-progress")
        return self._side

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
