from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionsConfig(AppConfig):
    name = "promotions"
    verbose_name = _("Promotions")

    def ready(self) -> None:
        from catalog.spots import spot_provider_register
        from promotions.selectors import promotion_spot_items

        spot_provider_register(promotion_spot_items)
