"""The staff admin, in the utility's colours and with its extra pages."""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from portal.utility import utility_get


class PortalAdminSite(admin.AdminSite):
    site_url = "/"
    empty_value_display = "—"
    # Extra pages that are not ModelAdmins (e.g. interval reads, which have a
    # composite primary key the admin cannot list): app_label -> entries.
    extra_pages: list[dict] = []

    @property
    def site_header(self):
        return _("%(utility)s staff") % {"utility": utility_get().name}

    @property
    def site_title(self):
        return utility_get().name

    index_title = _("Customer portal administration")

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            # A signed-in customer is refused outright, not sent to a login
            # they already passed.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def register_page(
        self, *, app_label: str, name: str, url_name: str, view, route: str, permission: str
    ) -> None:
        """Add a staff page that is listed under an app like a model."""
        self.extra_pages.append(
            {
                "app_label": app_label,
                "name": name,
                "url_name": url_name,
                "view": view,
                "route": route,
                "permission": permission,
            }
        )

    def get_urls(self):
        extra = [
            path(page["route"], self.admin_view(page["view"]), name=page["url_name"])
            for page in self.extra_pages
        ]
        return extra + super().get_urls()

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for page in self.extra_pages:
            if not request.user.has_perm(page["permission"]):
                continue
            for app in app_list:
                if app["app_label"] == page["app_label"]:
                    app["models"].append(
                        {
                            "name": page["name"],
                            "object_name": page["url_name"],
                            "perms": {"view": True},
                            "admin_url": reverse(f"admin:{page['url_name']}"),
                            "add_url": None,
                            "view_only": True,
                        }
                    )
                    app["models"].sort(key=lambda m: str(m["name"]))
        return app_list


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
