from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = _("Logins and staff roles")

    def ready(self):
        from users.roles import staff_roles_sync

        # Apps added later get their permissions granted to the roles too.
        post_migrate.connect(
            lambda **kwargs: staff_roles_sync(), dispatch_uid="users.staff_roles_sync", weak=False
        )
