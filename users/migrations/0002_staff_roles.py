from django.db import migrations


def create_staff_roles(apps, schema_editor):
    from users.roles import staff_roles_sync

    # Groups now; permissions of apps migrated later are granted by the
    # post_migrate sync (users.apps).
    staff_roles_sync(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_staff_roles, migrations.RunPython.noop)]
