"""The six categories of the catalog (issue 7); staff may add more."""

from django.db import migrations

CATEGORIES = [
    ("energy-efficiency", "Energy efficiency", "Rebates and upgrades that cut what you use.", "home"),
    ("demand-response", "Demand response", "Earn rewards for using less at peak times.", "bolt"),
    ("rates", "Rates", "Pricing plans that fit how and when you use energy.", "clock"),
    ("billing-and-payment", "Billing and payment", "Paperless bills, autopay and budget billing.", "card"),
    ("renewable-energy", "Renewable energy", "Solar, green power and electric vehicles.", "sun"),
    ("assistance", "Assistance", "Help paying your bill and free home upgrades.", "hand"),
]


def create(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    for order, (slug, name, description, illustration) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "illustration": illustration,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
