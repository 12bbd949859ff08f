from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

from billing.selectors import customer_current_for_request
from insights.views import dashboard_render
from portal.models import WorkerHeartbeat


def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; the current home's dashboard once signed in."""
    if request.user.is_authenticated:
        customer = customer_current_for_request(request=request)
        if customer is not None:
            return dashboard_render(request, customer)
    return render(request, "portal/home.html")


def branding_css(request: HttpRequest) -> HttpResponse:
    """The utility's colours as CSS variables, so no page needs inline style."""
    response = render(request, "portal/branding.css", content_type="text/css")
    response["Cache-Control"] = "public, max-age=300"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the database answers; when a worker last did."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    heartbeat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    return JsonResponse(
        {"status": "ok", "worker_seen_at": heartbeat.seen_at.isoformat() if heartbeat else None}
    )


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failure may be in one of them.
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
