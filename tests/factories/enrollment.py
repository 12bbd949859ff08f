import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from enrollment.models import Enrollment, Order, ServiceOrder


class OrderFactory(DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"EN-TEST-{n:04d}")
    user = factory.SubFactory("tests.factories.users.UserFactory")
    customer = factory.SubFactory("tests.factories.billing.CustomerFactory")
    terms_accepted_at = factory.LazyFunction(timezone.now)
    placed_at = factory.LazyFunction(timezone.now)


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    order = factory.SubFactory(OrderFactory)
    customer = factory.SelfAttribute("order.customer")
    premise = factory.SelfAttribute("customer.premise")
    product = factory.SubFactory("tests.factories.catalog.ProductFactory")
    status = "submitted"
    status_changed_at = factory.LazyFunction(timezone.now)
    fulfilment = "staff_review"


class ServiceOrderFactory(DjangoModelFactory):
    class Meta:
        model = ServiceOrder

    number = factory.Sequence(lambda n: f"SO-TEST-{n:04d}")
    enrollment = factory.SubFactory(EnrollmentFactory)
    kind = "review"


def customer_with_login(
    *,
    customer_type="residential",
    meter_type="ami",
    rate="RES-1",
    fuel="electric",
    user=None,
    **customer_fields,
):
    """A login with web access to one customer with an active account."""
    from tests.factories.billing import (
        AccountFactory,
        CustomerAccessFactory,
        CustomerFactory,
        RateCodeFactory,
        ServicePointFactory,
    )
    from tests.factories.users import UserFactory

    customer = CustomerFactory(customer_type=customer_type, **customer_fields)
    AccountFactory(
        customer=customer,
        service_point=ServicePointFactory(
            premise=customer.premise, meter_type=meter_type, fuel=fuel
        ),
        rate_code=RateCodeFactory(code=rate),
    )
    user = user or UserFactory()
    CustomerAccessFactory(user=user, customer=customer)
    return user, customer
