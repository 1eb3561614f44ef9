"""`python manage.py sla_scan`: one pass of the deadline watcher now (beat runs it every
minute; this is for operators, cron without beat, and tests)."""

from django.core.management.base import BaseCommand

from notifications.scan import sla_scan


class Command(BaseCommand):
    help = "Alert every case whose next deadline threshold has come (one pass)."

    def handle(self, *args, **options):
        self.stdout.write(f"{sla_scan()} threshold(s) crossed.")
