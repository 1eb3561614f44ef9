"""`python manage.py load_demo`: a demo province with its catalogue, staff and cases.

Builds, in one transaction each: the catalogue (agencies, procedures, fees, calendar
overrides), the users (`counter`, `officer`, `signer`, `supervisor`, `admin` and the staff of
the other agencies, all with the password `demo`) and, when the database has no case yet,
about two hundred cases filed and processed through the service layer, the latest results
PAdES-signed (with DEBUG on, it first makes the development PKI, as `serve` does, with
certificates valid from before the demo's history). Running it again updates the catalogue
and the users and leaves the cases alone.

It writes accounts with a known password, so it refuses to run with DEBUG off unless it
is given --force.
"""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases.models import Agency, Case, Role, Status
from demo import build, history, payment, province
from demo.feedback import build_feedback
from demo.identities import build_identity_cases
from demo.messaging import build_provider_templates
from demo.ratings import build_ratings
from documents import pki

# The demo's finished cases were signed within the last ~60 days (HISTORY_WORKING_DAYS).
DEV_CERTIFICATES_BACKDATED = timedelta(days=120)


class Command(BaseCommand):
    help = (
        "Load the demo province (Lào Cai, H38): agencies, procedures, users with the password "
        "'demo', and cases in every state. Refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="run even though DEBUG is off (writes users whose password is 'demo')",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: load_demo would create users whose password is 'demo' in this "
                "database. Run it with DEBUG=true, or add --force if this database really is "
                "for a demonstration."
            )
        now = timezone.now()
        with transaction.atomic():
            agencies = build.build_catalogue()
        with transaction.atomic():
            if merged := build.merge_superseded(agencies):
                self.stdout.write(f"Agencies of the map before 1 July 2025 merged: {merged}.")
        with transaction.atomic():
            staff = build.build_users(agencies)
            build_provider_templates()
        if Case.objects.exists():
            added = 0
        else:
            if settings.DEBUG:
                self._dev_certificates(now)
            with transaction.atomic():
                added = len(history.build_cases(agencies=agencies, staff=staff, now=now))
                added += len(
                    build_identity_cases(counter=staff["centre"][Role.COUNTER_STAFF], now=now)
                )
                build_ratings()
                build_feedback(staff=staff, now=now)
        self._report(build.summary(now), added)

    def _dev_certificates(self, now):
        """The development PKI (as `serve` makes it), its certificates valid from before the
        demo's history so that its results can be signed at their own dates. Only what is
        missing is made: certificates made earlier keep their dates."""
        made = pki.write_dev_pki(
            Path(settings.SIGNING_PKI_DIR),
            list(Agency.objects.order_by("code").values_list("code", "name")),
            passphrase=settings.SIGNING_PKCS12_PASSPHRASE.encode(),
            now=now - DEV_CERTIFICATES_BACKDATED,
            valid_for=DEV_CERTIFICATES_BACKDATED + timedelta(days=365 * 2),
        )
        if made:
            self.stdout.write(f"Development signing certificates for {len(made)} agencies.")

    def _report(self, s: dict, added: int):
        levels = s["agencies_by_level"]
        procedure_levels = s["procedures_by_level"]
        lines = [
            "Demo province: Lào Cai (H38)",
            f"  agencies:   {s['agencies']} ({levels.get('province', 0)} province, "
            f"{levels.get('commune', 0)} commune and ward)",
            f"  procedures: {s['procedures']} ({procedure_levels.get('province', 0)} province, "
            f"{procedure_levels.get('commune', 0)} commune; {s['procedures_online']} offered "
            f"online), {s['fee_items']} fee items",
            f"  calendar overrides: {s['calendar_overrides']}",
            f"  users: {', '.join(u[0] for u in province.DEMO_USERS)} and "
            f"{s['users'] - len(province.DEMO_USERS)} other staff, "
            f"password '{province.DEMO_PASSWORD}'",
        ]
        total = s["cases"]
        if added:
            lines.append(f"  cases: {total}, filed and processed through the service layer")
        else:
            lines.append(f"  cases: {total} already in the database, none added")
        if total:
            lines.append(
                "    by status: "
                + ", ".join(f"{status} {n}" for status, n in s["cases_by_status"].items())
            )
            shares = ", ".join(
                f"{channel} {100 * n / total:.1f}%"
                for channel, n in sorted(s["channels"].items(), key=lambda item: -item[1])
            )
            lines.append(f"    channels: {shares}")
            lines.append(
                f"    open and overdue: {s['overdue']}, due within a working day: {s['due_soon']}"
            )
        if walkthrough := payment.walkthrough_case():
            lines.append(
                f"  a citizen pays a fee: look up {walkthrough.code} with PIN "
                f"{payment.WALKTHROUGH_PIN} on the home page, then follow the pay link"
            )
        missing = [state for state in Status.values if state not in s["cases_by_status"]]
        if total and missing:
            lines.append(f"    no case is {', '.join(missing)}")
        self.stdout.write("\n".join(lines))
