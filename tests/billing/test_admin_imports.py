"""Staff upload data files in the admin, follow the import and read its errors."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import EligibilityHold, ImportRun
from tests.billing.datafiles import billing_text, months
from tests.factories import (
    AccountFactory,
    ImportRowErrorFactory,
    ImportRunFactory,
    RateCodeFactory,
    StaffUserFactory,
    UserFactory,
)
from users.roles import CUSTOMER_SERVICE, DATA_ADMINISTRATOR

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:billing_importrun_add")


def _upload(client, content: str, name="opwr_pve_res_v1-19-0_full_20240405020000.tsv", **extra):
    return client.post(
        UPLOAD_URL,
        {"kind": "billing", "file": SimpleUploadedFile(name, content.encode()), **extra},
    )


@pytest.fixture
def data_admin(client):
    user = StaffUserFactory()
    user.groups.add(Group.objects.get(name=DATA_ADMINISTRATOR))
    client.force_login(user)
    return user


def test_an_upload_is_imported_by_the_task_and_shown(
    client, data_admin, django_capture_on_commit_callbacks
):
    RateCodeFactory(code="RES-1")
    rows = months(date(2024, 1, 1), 3)
    rows[2]["usage_value"] = "1,5"
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, billing_text(rows), max_rejected_percent="50")
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:billing_importrun_change", args=[run.pk])
    assert (run.status, run.created, run.rejected) == ("succeeded", 2, 1)
    assert run.requested_by == data_admin
    assert run.upload.name.endswith(".tsv")
    page = client.get(response.url)
    assert page.status_code == 200
    text = page.text
    assert "created=2 updated=0 unchanged=0 rejected=1" in text
    assert "must not contain commas" in text
    assert f"?run__id__exact={run.pk}" in text
    assert 'http-equiv="refresh"' not in text  # finished: no more refreshing


def test_a_second_upload_of_the_same_file_is_reported_as_already_imported(
    client, data_admin, django_capture_on_commit_callbacks
):
    RateCodeFactory(code="RES-1")
    content = billing_text(months(date(2024, 1, 1), 1))
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, content)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, content)
    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == "duplicate"
    page = client.get(response.url)
    assert "Already imported" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, content, force="on")
    forced = ImportRun.objects.order_by("-pk").first()
    assert (forced.status, forced.forced, forced.unchanged) == ("succeeded", True, 1)


def test_a_broken_upload_is_rejected_with_one_message_not_an_error_page(
    client, data_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, "hello\tworld\n", name="notes.txt")
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == "rejected"
    page = client.get(response.url)
    assert "The header does not match" in page.text


def test_the_upload_form_asks_again_without_a_file(client, data_admin):
    response = client.post(UPLOAD_URL, {"kind": "billing"})
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert ImportRun.objects.count() == 0
    assert client.get(UPLOAD_URL).status_code == 200


def test_a_queued_or_running_import_shows_progress_and_refreshes(client, data_admin):
    run = ImportRunFactory(
        status="running", size_bytes=1000, bytes_done=400, phase="reading", finished_at=None
    )
    page = client.get(reverse("admin:billing_importrun_change", args=[run.pk]))
    assert '<progress id="import-progress" max="100" value="40">' in page.text
    assert 'http-equiv="refresh"' in page.text


def test_row_errors_are_listed_a_page_at_a_time(client, data_admin):
    run = ImportRunFactory()
    for line in range(2, 152):
        ImportRowErrorFactory(run=run, line=line)
    ImportRowErrorFactory(line=9)  # another import's error
    url = reverse("admin:billing_importrowerror_changelist") + f"?run__id__exact={run.pk}"
    first = client.get(url)
    assert first.status_code == 200
    assert len(first.context["cl"].result_list) == 100
    assert first.context["cl"].result_count == 150
    second = client.get(url + "&p=2")
    assert len(second.context["cl"].result_list) == 50


def test_customers_cannot_reach_imports_and_customer_service_cannot_upload(client):
    client.force_login(UserFactory())
    assert client.get(UPLOAD_URL).status_code == 403
    agent = StaffUserFactory()
    agent.groups.add(Group.objects.get(name=CUSTOMER_SERVICE))
    client.force_login(agent)
    assert client.get(reverse("admin:billing_importrun_changelist")).status_code == 200
    assert client.get(UPLOAD_URL).status_code == 403
    response = _upload(client, "x")
    assert response.status_code == 403
    assert ImportRun.objects.count() == 0


def test_the_customer_page_explains_eligibility_to_staff(client):
    agent = StaffUserFactory()
    agent.groups.add(Group.objects.get(name=CUSTOMER_SERVICE))
    client.force_login(agent)
    account = AccountFactory()
    EligibilityHold.objects.create(
        customer=account.customer,
        purpose="communications",
        reason="usage_gap",
        detail="Service point SP: 12 days without billed usage",
        starts_on=date(2025, 3, 1),
        ends_on=date(2099, 3, 1),
    )
    url = reverse("admin:billing_customer_change", args=[account.customer.pk])
    text = client.get(url).text
    assert 'class="eligibility-panel"' in text
    assert "Gap in billed usage: Service point SP: 12 days without billed usage" in text
    assert "since 2025-03-01" in text
    assert "Not eligible" in text
    assert "eligibility-yes" in text  # web access is still fine
