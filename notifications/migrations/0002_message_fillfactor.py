from django.db import migrations

FILLFACTOR = 70


def fillfactor_set(apps, schema_editor):
    # Room on each page for HOT updates of the send state (PostgreSQL only).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE notifications_message SET (fillfactor = {FILLFACTOR})"
        )


def fillfactor_reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE notifications_message RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(fillfactor_set, fillfactor_reset)]
