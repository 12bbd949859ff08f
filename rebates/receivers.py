"""Reactions to other apps' signals (connected in RebatesConfig.ready).

billing cannot import rebates, so when interval data arrives it sends a
signal from billing/signals.py; pending settlements are retried then. The
signal is optional: without it, the beat task retries every 30 minutes.
"""

from __future__ import annotations

import importlib

# Signals of billing/signals.py that mean "interval reads were written".
INTERVAL_SIGNALS = ("interval_reads_imported", "usage_imported", "interval_data_imported")


def interval_data_arrived(sender=None, **kwargs) -> None:
    from rebates.tasks import ptr_pending_settle_task

    ptr_pending_settle_task.delay_on_commit()


def connect() -> None:
    try:
        signals = importlib.import_module("billing.signals")
    except ImportError:
        return
    for name in INTERVAL_SIGNALS:
        signal = getattr(signals, name, None)
        if signal is not None:
            signal.connect(interval_data_arrived, dispatch_uid=f"rebates.{name}")
