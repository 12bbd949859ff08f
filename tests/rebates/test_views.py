"""The peak savings pages: own data only, banner, chart data, iCal, opt-in."""

import datetime as dt
import json
from decimal import Decimal as D  # noqa: N817

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from billing.selectors import SESSION_CUSTOMER_KEY
from rebates.models import EventKind, EventStatus, Participant, Participation, ResultStatus
from tests.factories import (
    AccountFactory,
    CustomerAccessFactory,
    CustomerFactory,
    EventResultFactory,
    ParticipantFactory,
    PeakEventFactory,
    PtrProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 20, 15, tzinfo=dt.UTC)  # Monday 10:00 CDT


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def program():
    return PtrProgramFactory()


@pytest.fixture
def alex(program):
    participant = ParticipantFactory(program=program)
    user = UserFactory()
    CustomerAccessFactory(user=user, customer=participant.customer)
    return user, participant


def login(client, user):
    client.force_login(user)
    return client


def past_result(program, participant, **kwargs):
    event = PeakEventFactory(
        program=program, start_date=dt.date(2026, 7, 15), status=EventStatus.SETTLED
    )
    return EventResultFactory(event=event, participant=participant, **kwargs)


def test_the_page_needs_a_login(client):
    response = client.get(reverse("rebates:peak_savings"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_page_shows_the_next_event_the_season_and_the_last_event_chart(client, program, alex):
    user, participant = alex
    result = past_result(program, participant)
    PeakEventFactory(program=program, start_date=dt.date(2026, 7, 22), kind=EventKind.EMERGENCY)
    response = login(client, user).get(reverse("rebates:peak_savings"))
    assert response.status_code == 200
    text = response.text
    assert "Peak day: Wednesday, July 22" in text
    assert "Emergency peak event" in text
    assert "Use less energy from 4 p.m. to 8 p.m. to earn a bill credit." in text
    assert "You saved 2.5 kWh and earned $2.50." in text
    assert response.context["totals"].rebate == D("2.50")
    # The chart: JSON data for the static script, a text summary and a table.
    figure = response.context["chart_figure"]
    assert [trace["name"] for trace in figure["data"]] == ["Your baseline", "Your actual use"]
    assert figure["data"][0]["y"] == [2.5, 2.5, 2.5, 2.5]
    assert figure["data"][1]["x"][0] == "4 p.m.–5 p.m."
    assert 'id="ptr-chart-latest" type="application/json"' in text
    assert "rebates-chart.js" in text
    assert "Your baseline for the event hours was 10.0 kWh. You used 7.5 kWh: 2.5 kWh less." in text
    assert "<table>" in text
    assert reverse("rebates:event_detail", args=[result.event_id]) in text
    # No inline script or style (CSP).
    assert "<script>" not in text
    assert 'style="' not in text
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_peak_savings_is_in_the_navigation(client, alex):
    user, _ = alex
    response = login(client, user).get(reverse("home"))
    assert reverse("rebates:peak_savings") in response.text
    assert "Peak savings" in response.text


def test_a_second_customer_gets_404_for_the_first_ones_event(client, program, alex):
    _, participant = alex
    result = past_result(program, participant)
    other = UserFactory()
    CustomerAccessFactory(user=other, customer=ParticipantFactory(program=program).customer)
    response = login(client, other).get(reverse("rebates:event_detail", args=[result.event_id]))
    assert response.status_code == 404
    # …and their own page shows nothing of the first customer's.
    page = client.get(reverse("rebates:peak_savings"))
    assert page.context["results"] == []
    assert page.context["totals"].rebate == 0


def test_switching_to_someone_elses_customer_in_the_session_does_not_leak(client, program, alex):
    user, participant = alex
    result = past_result(program, participant)
    other = ParticipantFactory(program=program)
    client = login(client, user)
    session = client.session
    session[SESSION_CUSTOMER_KEY] = other.customer.pk
    session.save()
    response = client.get(reverse("rebates:event_detail", args=[result.event_id]))
    assert response.status_code == 200  # falls back to the login's own customer
    assert response.context["customer"] == participant.customer


def test_unknown_event_ids_are_404_not_500(client, alex):
    user, _ = alex
    client = login(client, user)
    assert client.get(reverse("rebates:event_detail", args=[999999])).status_code == 404
    assert client.get("/peak-savings/events/not-a-number/").status_code == 404


def test_the_event_page_explains_the_baseline(client, program, alex):
    user, participant = alex
    result = past_result(program, participant)
    response = login(client, user).get(reverse("rebates:event_detail", args=[result.event_id]))
    text = response.text
    assert "For Wednesday, July 15, we used 3 similar days:" in text
    assert "Wed, Jul 8; Thu, Jul 9; Fri, Jul 10" in text
    assert "$2.50" in text
    assert response.context["chart_figure"]["data"][1]["y"] == [1.875] * 4


def test_saving_nothing_shows_thanks_not_a_zero(client, program, alex):
    user, participant = alex
    result = past_result(
        program,
        participant,
        actual_kwh=D("11"),
        savings_kwh=D("-1"),
        rebate=D("0.00"),
    )
    client = login(client, user)
    page = client.get(reverse("rebates:peak_savings")).text
    assert "Thanks for taking part!" in page
    detail = client.get(reverse("rebates:event_detail", args=[result.event_id])).text
    assert "Thank you" in detail
    assert "$0.00" not in detail


def test_pending_results_say_results_are_coming(client, program, alex):
    user, participant = alex
    result = past_result(
        program,
        participant,
        status=ResultStatus.PENDING,
        reason_code="missing_event_reads",
        reason="Missing.",
        baseline_kwh=None,
        actual_kwh=None,
        savings_kwh=None,
        rebate=None,
        settled_at=None,
        detail={},
    )
    client = login(client, user)
    assert "Results coming soon" in client.get(reverse("rebates:peak_savings")).text
    detail = client.get(reverse("rebates:event_detail", args=[result.event_id]))
    assert "waiting for your meter data" in detail.text
    assert "chart_figure" not in detail.context


def test_a_new_occupant_sees_none_of_the_previous_occupants_events(client, program, alex):
    _, previous = alex
    result = past_result(program, previous)
    previous.account.inactive_date = dt.date(2026, 7, 16)
    previous.account.save()
    newcomer_account = AccountFactory(
        service_point=previous.service_point,
        customer=CustomerFactory(premise=previous.customer.premise),
        active_date=dt.date(2026, 7, 17),
    )
    newcomer = ParticipantFactory(program=program, account=newcomer_account)
    user = UserFactory()
    CustomerAccessFactory(user=user, customer=newcomer.customer)
    client = login(client, user)
    page = client.get(reverse("rebates:peak_savings"))
    assert page.context["results"] == []
    assert client.get(reverse("rebates:event_detail", args=[result.event_id])).status_code == 404


# opt-in --------------------------------------------------------------------------------


def test_opt_in_button_signs_the_customer_up(client, program):
    program.participation = Participation.OPT_IN
    program.save()
    account = AccountFactory()
    user = UserFactory()
    CustomerAccessFactory(user=user, customer=account.customer)
    client = login(client, user)
    page = client.get(reverse("rebates:peak_savings"))
    assert "Sign up for peak time rebates" in page.text
    response = client.post(reverse("rebates:opt_in"), follow=True)
    assert "You are signed up." in response.text
    assert Participant.objects.get().customer == account.customer
    assert "You are taking part" in response.text


def test_opt_in_refusal_is_explained(client, program):
    program.participation = Participation.OPT_IN
    program.save()
    account = AccountFactory(service_point__meter_type="amr")
    user = UserFactory()
    CustomerAccessFactory(user=user, customer=account.customer)
    response = login(client, user).post(reverse("rebates:opt_in"), follow=True)
    assert (
        "We could not sign you up: Peak time rebates need a smart electric meter" in response.text
    )
    assert not Participant.objects.exists()


def test_opt_in_is_post_only(client, alex):
    user, _ = alex
    assert login(client, user).get(reverse("rebates:opt_in")).status_code == 405


# calendar ------------------------------------------------------------------------------


def test_calendar_feed_lists_upcoming_events_for_the_token_holder(client, program, alex):
    _, participant = alex
    PeakEventFactory(
        program=program, start_date=dt.date(2026, 7, 22), end_date=dt.date(2026, 7, 23)
    )
    PeakEventFactory(program=program, start_date=dt.date(2026, 7, 24), status=EventStatus.CANCELLED)
    PeakEventFactory(program=program, start_date=dt.date(2026, 7, 27), zone="99999")
    response = client.get(reverse("rebates:calendar_token", args=[participant.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 2  # one per day of the two-day event
    assert "DTSTART:20260722T210000Z" in body
    assert "DTEND:20260724T010000Z" in body
    assert "SUMMARY:Peak day: use less energy\\, earn a rebate" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_calendar_feed_refuses_unknown_tokens_and_needs_login_without_one(client, alex):
    user, _ = alex
    assert client.get(reverse("rebates:calendar_token", args=["nope"])).status_code == 404
    assert client.get(reverse("rebates:calendar")).status_code == 302
    assert login(client, user).get(reverse("rebates:calendar")).status_code == 200


# the banner for other pages ------------------------------------------------------------


def test_banner_tag_renders_the_next_event_for_a_customer(program, alex):
    _, participant = alex
    PeakEventFactory(
        program=program, start_date=dt.date(2026, 7, 22), end_date=dt.date(2026, 7, 23)
    )
    html = Template("{% load rebates_tags %}{% ptr_next_event_banner customer %}").render(
        Context({"customer": participant.customer})
    )
    assert "Peak days: Wednesday, July 22 and Thursday, July 23" in html
    nobody = Template("{% load rebates_tags %}{% ptr_next_event_banner customer %}").render(
        Context({"customer": None})
    )
    assert nobody.strip() == ""


def test_figure_json_is_valid_for_the_script(client, program, alex):
    user, participant = alex
    past_result(program, participant)
    text = login(client, user).get(reverse("rebates:peak_savings")).text
    start = text.index('id="ptr-chart-latest" type="application/json">') + len(
        'id="ptr-chart-latest" type="application/json">'
    )
    figure = json.loads(text[start : text.index("</script>", start)])
    assert figure["layout"]["barmode"] == "group"


@pytest.fixture
def _english_afterwards():
    # The profile-language middleware activates the language for the thread and
    # leaves it active; later tests in this process must not inherit Spanish.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.usefixtures("_english_afterwards")
def test_the_page_speaks_spanish(client, program, alex):
    user, participant = alex
    past_result(program, participant)
    user.language = "es"
    user.save()
    text = login(client, user).get(reverse("rebates:peak_savings")).text
    assert "Ahorro en horas pico" in text
    assert "Ahorró 2.5 kWh y ganó $2.50." in text or "Ahorró 2,5 kWh y ganó $2,50." in text


def test_the_insights_dashboard_shows_the_next_event_banner(client, program, alex):
    user, participant = alex
    PeakEventFactory(program=program, start_date=dt.date(2026, 7, 22))
    url = reverse("insights:dashboard", args=[participant.customer.pk])
    response = login(client, user).get(url)
    assert response.status_code == 200
    assert "Peak day: Wednesday, July 22" in response.text


def test_the_dashboard_banner_is_cached_until_events_change(
    client, program, alex, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from rebates import services
    from rebates.banners import peak_event_banner

    _user, participant = alex
    customer = participant.customer
    assert peak_event_banner(None, customer) is None
    with django_assert_num_queries(0):
        assert peak_event_banner(None, customer) is None  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.peak_event_schedule(
            program=program,
            start_date=dt.date(2026, 7, 22),
            start_time=dt.time(16),
            end_time=dt.time(19),
            now=NOW,
        )
    assert "Peak day: Wednesday, July 22" in peak_event_banner(None, customer)
