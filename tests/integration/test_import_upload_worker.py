"""An admin upload is imported by a real Celery worker (PostgreSQL + Redis)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import ImportRun, RateCode, UsageValue
from tests.billing.datafiles import billing_text, months
from tests.factories import StaffUserFactory
from tests.integration.worker import celery_worker, require_worker_services, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_an_uploaded_file_is_imported_by_the_worker(client, settings):
    require_worker_services()
    RateCode.objects.create(code="RES-1")
    client.force_login(StaffUserFactory(is_superuser=True))
    content = billing_text(months(date(2024, 1, 1), 6)).encode()
    upload = SimpleUploadedFile("opwr_pve_res_v1-19-0_full_20240701020000.tsv", content)
    with celery_worker(extra_env={"DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT)}) as worker:
        response = client.post(
            reverse("admin:billing_importrun_add"), {"kind": "billing", "file": upload}
        )
        assert response.status_code == 302
        run = ImportRun.objects.get()
        # The page answers at once; the worker does the import.
        assert run.status in ("queued", "running", "succeeded")
        page = client.get(response.url)
        assert page.status_code == 200
        wait_for(
            lambda: ImportRun.objects.filter(pk=run.pk, status="succeeded").exists(),
            log=worker["log"],
        )
    run.refresh_from_db()
    assert run.summary_line == "created=6 updated=0 unchanged=0 rejected=0"
    assert UsageValue.objects.count() == 6
