"""A read-only staff page for AMI reads.

IntervalRead has a composite primary key, which the admin cannot register;
this page lists one service point's reads, newest first, a page at a time.
"""

from datetime import datetime

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from billing.models import ServicePoint
from billing.selectors import interval_read_page

PAGE_SIZE = 96


def interval_read_list_view(request):
    if not request.user.has_perm("billing.view_intervalread"):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    service_point = None
    reads = []
    next_before = None
    error = ""
    if query:
        service_point = (
            ServicePoint.objects.select_related("premise").filter(service_point_id=query).first()
        )
        if service_point is None:
            error = _("No service point with ID “%(id)s”.") % {"id": query}
        else:
            before = _parse_before(request.GET.get("before", ""))
            reads = interval_read_page(service_point=service_point, before=before, limit=PAGE_SIZE)
            if len(reads) == PAGE_SIZE:
                next_before = reads[-1].interval_end.isoformat()
    context = {
        **admin.site.each_context(request),
        "title": _("Interval reads"),
        "query": query,
        "service_point": service_point,
        "reads": reads,
        "next_before": next_before,
        "error": error,
        "opts": ServicePoint._meta,
    }
    return render(request, "admin/billing/interval_reads.html", context)


def _parse_before(value: str) -> datetime | None:
    try:
        return parse_datetime(value) if value else None
    except ValueError:
        return None


admin.site.register_page(
    app_label="billing",
    name=_("Interval reads"),
    url_name="billing_intervalread_list",
    view=interval_read_list_view,
    route="billing/intervalread/",
    permission="billing.view_intervalread",
)
