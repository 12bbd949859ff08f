"""Staff roles as Django groups, and the permissions each holds.

Permissions are granted per app label and action, so a role keeps up with
models added later: `staff_roles_sync` runs after every migrate.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

CUSTOMER_SERVICE = "Customer service"
PROGRAM_MANAGER = "Program manager"
MARKETING = "Marketing"
DATA_ADMINISTRATOR = "Data administrator"

ALL = ("view", "add", "change", "delete")
EDIT = ("view", "add", "change")
VIEW = ("view",)

# role -> {app_label: actions}. An entry "app_label.codename" may also name one
# permission exactly (for custom permissions).
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    CUSTOMER_SERVICE: {
        "billing": VIEW,
        "notifications": VIEW,
        "rebates": VIEW,
        "catalog": VIEW,
        "enrollment": ("view", "change"),
        "content": ("view", "change"),
        "segments": VIEW,
    },
    PROGRAM_MANAGER: {
        "billing": VIEW,
        "rebates": ALL,
        "catalog": ALL,
        "enrollment": ALL,
        "segments": VIEW,
        "promotions": VIEW,
        "notifications": EDIT,
    },
    MARKETING: {
        "segments": ALL,
        "promotions": ALL,
        "content": ALL,
        "catalog": EDIT,
        "notifications": VIEW,
    },
    DATA_ADMINISTRATOR: {
        "billing": ALL,
        "portal": EDIT,
        "rebates": VIEW,
        "notifications": VIEW,
    },
}


def staff_roles_sync(*, group_model=Group, permission_model=Permission) -> None:
    """Create the role groups and grant each its permissions (idempotent).

    Migrations pass their historical models.
    """
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        query = Q(pk__in=[])
        for app_label, actions in grants.items():
            for action in actions:
                query |= Q(content_type__app_label=app_label, codename__startswith=f"{action}_")
        group.permissions.add(*permission_model.objects.filter(query))
