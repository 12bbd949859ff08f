import pytest
from django.urls import reverse

from portal.models import UtilityProfile
from portal.utility import utility_cache_clear, utility_get

pytestmark = pytest.mark.django_db


def test_home_page_is_branded(client, settings):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert settings.UTILITY["NAME"] in response.text
    assert settings.UTILITY["SUPPORT_PHONE"] in response.text


def test_staff_override_replaces_the_settings(client):
    UtilityProfile.objects.create(
        name="Lakeshore Power", support_phone="+1 312 555 0100", primary_color="#123456"
    )
    utility_cache_clear()
    assert utility_get().name == "Lakeshore Power"
    assert "Lakeshore Power" in client.get(reverse("home")).text
    css = client.get(reverse("branding-css"))
    assert css["Content-Type"].startswith("text/css")
    assert "#123456" in css.text


def test_blank_override_fields_fall_back_to_settings(settings):
    UtilityProfile.objects.create(name="Lakeshore Power")
    utility_cache_clear()
    assert utility_get().support_email == settings.UTILITY["SUPPORT_EMAIL"]


def test_pages_send_a_strict_content_security_policy(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "find that page" in response.text


def test_healthz_reports_the_database(client):
    assert client.get(reverse("healthz")).json()["status"] == "ok"
