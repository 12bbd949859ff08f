# The usage tables keep their relation to ServicePoint but lose the database
# foreign keys (PostgreSQL checked them one row at a time at commit: most of
# what storing a data file cost). On PostgreSQL a trigger on
# billing_servicepoint takes over what the keys guaranteed: a service point
# with usage or interval reads cannot be deleted or given another id.
# See docs/data-model.md.

import billing.models.usage
from django.db import migrations, models

TRIGGER_CREATE = """
CREATE FUNCTION billing_servicepoint_keep_usage() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM billing_intervalread WHERE service_point_id = OLD.id)
     OR EXISTS (SELECT 1 FROM billing_usagevalue WHERE service_point_id = OLD.id) THEN
    RAISE EXCEPTION 'service point % (id %) has usage or interval reads: it cannot be %',
      OLD.service_point_id, OLD.id,
      CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE 'given another id' END
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER billing_servicepoint_keep_usage_delete
  BEFORE DELETE ON billing_servicepoint
  FOR EACH ROW EXECUTE FUNCTION billing_servicepoint_keep_usage();
CREATE TRIGGER billing_servicepoint_keep_usage_update
  BEFORE UPDATE OF id ON billing_servicepoint
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION billing_servicepoint_keep_usage();
"""

TRIGGER_DROP = """
DROP TRIGGER IF EXISTS billing_servicepoint_keep_usage_update ON billing_servicepoint;
DROP TRIGGER IF EXISTS billing_servicepoint_keep_usage_delete ON billing_servicepoint;
DROP FUNCTION IF EXISTS billing_servicepoint_keep_usage();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # A plain cursor: the function body's '%' are not placeholders.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0004_data_file_imports'),
    ]

    operations = [
        migrations.AlterField(
            model_name='intervalread',
            name='service_point',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=billing.models.usage.protect_if_any, related_name='interval_reads', to='billing.servicepoint'),
        ),
        migrations.AlterField(
            model_name='usagevalue',
            name='service_point',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=billing.models.usage.protect_if_any, related_name='usage_values', to='billing.servicepoint'),
        ),
        migrations.RunPython(_on_postgresql(TRIGGER_CREATE), _on_postgresql(TRIGGER_DROP)),
    ]
