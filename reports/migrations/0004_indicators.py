"""Seed the scorecard's indicators (`reports.indicators`: Decision 766/QĐ-TTg as DOMAIN.md
transcribes it). Later changes go through the admin, which records each one."""

from django.db import migrations


def seed(apps, schema_editor):
    from reports.indicators import default_rows

    Indicator = apps.get_model("reports", "Indicator")
    Indicator.objects.bulk_create(
        [Indicator(**row) for row in default_rows()], ignore_conflicts=True
    )


def unseed(apps, schema_editor):
    apps.get_model("reports", "Indicator").objects.filter(changes=None).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_scorecard")]

    operations = [migrations.RunPython(seed, unseed)]
