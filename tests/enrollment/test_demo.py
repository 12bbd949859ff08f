import pytest
from django.core.management import call_command

from catalog.models import Bundle, Product
from enrollment.models import Enrollment
from segments.models import Segment

pytestmark = pytest.mark.django_db


def test_seed_demo_catalog_builds_a_shop_and_is_idempotent(capsys):
    call_command("seed_demo", "--customers", "30", "--interval-days", "3")
    call_command("seed_demo_catalog")
    counts = (Product.objects.count(), Bundle.objects.count(), Segment.objects.count())
    enrollments = Enrollment.objects.count()
    assert counts[0] >= 15
    assert counts[1] >= 3
    assert enrollments > 0
    low_income = Bundle.objects.get(slug="low-income-saver-bundle")
    assert set(low_income.additions.values_list("product__slug", "effect")) >= {
        ("time-of-use-rate", "allow"),
        ("standard-residential-rate", "deny"),
    }
    call_command("seed_demo_catalog")
    assert (Product.objects.count(), Bundle.objects.count(), Segment.objects.count()) == counts
    assert Enrollment.objects.count() == enrollments
    assert "Demo catalog ready" in capsys.readouterr().out
    call_command("seed_demo_catalog", "--if-empty")
    assert "already present" in capsys.readouterr().out
