"""`python manage.py generate_cases --cases 1000000 --seed 1 --years 3`: a province at scale."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from demo.copy_writer import Writer
from demo.generate import Generator
from demo.scale import build_province
from reports import rollup


class Command(BaseCommand):
    help = (
        "Fill the database with a synthetic province (the demo's, grown to ~150 communes and "
        "~2,000 procedures) and N cases over Y years, written with COPY. The same seed and "
        "--until give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            default=None,
            help="last day of the history, YYYY-MM-DD (default: today)",
        )

    def handle(self, *args, cases, seed, years, until, **options):
        if cases < 1 or years < 1:
            raise CommandError("--cases and --years must be positive.")
        started = time.monotonic()
        build_province()
        self.stdout.write(f"Catalogue ready in {time.monotonic() - started:.1f}s")
        generator = Generator(seed=seed, until=until or timezone.localdate(), years=years)

        def progress(done):
            rate = done / (time.monotonic() - started)
            self.stdout.write(f"  {done:,} cases ({rate:,.0f}/s)")

        with transaction.atomic():
            generator.run(cases, progress=progress)
        rollup.compact()  # the COPY's triggers appended the new cases' counts
        Writer.vacuum()
        self.stdout.write(
            self.style.SUCCESS(f"{cases:,} cases written in {time.monotonic() - started:.1f}s")
        )
