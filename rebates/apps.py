from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RebatesConfig(AppConfig):
    name = "rebates"
    verbose_name = _("Peak time rebates")

    def ready(self) -> None:
        # Interval data arriving from billing's importers retries pending
        # settlements; billing cannot import rebates, so it sends a signal.
        from rebates import receivers

        receivers.connect()
