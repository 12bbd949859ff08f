from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Program enrolments")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from catalog.eligibility import facts_provider_register
        from catalog.shopper import shopper_state_provider_register
        from enrollment import receivers
        from enrollment.selectors import facts_for_customer
        from segments.conditions import condition_register

        facts_provider_register(facts_for_customer)
        shopper_state_provider_register(receivers.shopper_state_for_request)
        condition_register(receivers.ENROLLED_IN)
        user_logged_in.connect(
            receivers.merge_cart_on_login, dispatch_uid="enrollment.merge_cart_on_login"
        )
