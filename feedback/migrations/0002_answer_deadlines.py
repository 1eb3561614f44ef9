"""The answer deadlines an agency starts with, per kind (an administrator changes them):
ten working days for a complaint or a suggestion, none for praise."""

from django.db import migrations

DEADLINES = {"complaint": 10, "suggestion": 10, "praise": None}


def seed(apps, schema_editor):
    AnswerDeadline = apps.get_model("feedback", "AnswerDeadline")
    AnswerDeadline.objects.bulk_create(
        [AnswerDeadline(kind=kind, working_days=days) for kind, days in DEADLINES.items()],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
