"""A service point with usage or interval reads is never deleted or renumbered.

The usage tables have no database foreign key to ServicePoint (docs/data-model.md,
"Usage and its service point"): the ORM refuses the delete, and on PostgreSQL a
trigger on billing_servicepoint refuses it for raw SQL too.
"""

from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from billing.models import IntervalRead, ServicePoint, UsageValue
from tests.conftest import require_postgresql
from tests.factories import IntervalReadFactory, ServicePointFactory, UsageValueFactory

pytestmark = pytest.mark.django_db


def _read(service_point):
    return IntervalReadFactory(
        service_point=service_point, interval_end=datetime(2024, 5, 1, 5, tzinfo=UTC)
    )


@pytest.mark.parametrize("usage", [UsageValueFactory, _read], ids=["usage", "interval reads"])
def test_the_orm_refuses_to_delete_a_service_point_with_usage(usage):
    service_point = ServicePointFactory()
    if usage is UsageValueFactory:
        usage(service_point=service_point)
    else:
        usage(service_point)
    with pytest.raises(ProtectedError) as raised, transaction.atomic():
        service_point.delete()
    # One referring row is named, not every one of them loaded.
    assert len(raised.value.protected_objects) == 1
    assert ServicePoint.objects.filter(pk=service_point.pk).exists()


def test_the_orm_refuses_a_queryset_delete_too():
    service_point = ServicePointFactory()
    for date_to in (date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)):
        UsageValueFactory(service_point=service_point, date_to=date_to)
    with pytest.raises(ProtectedError), transaction.atomic():
        ServicePoint.objects.filter(pk=service_point.pk).delete()
    assert UsageValue.objects.filter(service_point=service_point).count() == 3


def test_a_service_point_without_usage_can_be_deleted():
    service_point = ServicePointFactory()
    service_point.delete()
    assert not ServicePoint.objects.filter(pk=service_point.pk).exists()


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.mark.postgres
@pytest.mark.parametrize("usage", ["usage", "reads"])
def test_postgresql_refuses_a_raw_delete_of_a_service_point_with_usage(usage):
    require_postgresql("the billing_servicepoint trigger")
    service_point = ServicePointFactory()
    if usage == "usage":
        UsageValueFactory(service_point=service_point)
    else:
        _read(service_point)
    with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic():
        _raw("DELETE FROM billing_servicepoint WHERE id = %s", [service_point.pk])
    assert ServicePoint.objects.filter(pk=service_point.pk).exists()


@pytest.mark.postgres
def test_postgresql_refuses_to_renumber_a_service_point_with_reads():
    require_postgresql("the billing_servicepoint trigger")
    service_point = ServicePointFactory()
    _read(service_point)
    with pytest.raises(IntegrityError, match="another id"), transaction.atomic():
        _raw("UPDATE billing_servicepoint SET id = id + 100000 WHERE id = %s", [service_point.pk])
    assert IntervalRead.objects.get().service_point_id == service_point.pk


@pytest.mark.postgres
def test_postgresql_allows_other_changes_and_deletes_without_usage():
    require_postgresql("the billing_servicepoint trigger")
    with_reads = ServicePointFactory()
    _read(with_reads)
    bare = ServicePointFactory()
    assert (
        _raw("UPDATE billing_servicepoint SET meter_id = 'M-2' WHERE id = %s", [with_reads.pk]) == 1
    )
    assert _raw("UPDATE billing_servicepoint SET id = id WHERE id = %s", [with_reads.pk]) == 1
    assert _raw("DELETE FROM billing_servicepoint WHERE id = %s", [bare.pk]) == 1
    with_reads.refresh_from_db()
    assert with_reads.meter_id == "M-2"
