"""`python manage.py make_dev_pki`: a development PKI, one signing certificate per agency."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.models import Agency
from documents import pki


class Command(BaseCommand):
    help = (
        "Create a development PKI under SIGNING_PKI_DIR: a root CA, an issuing CA and one "
        "PKCS#12 signing certificate per agency (only what is missing). Never for production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder", help="where to write (default: SIGNING_PKI_DIR)", default=None
        )

    def handle(self, *args, folder, **options):
        folder = Path(folder or settings.SIGNING_PKI_DIR)
        made = pki.write_dev_pki(
            folder,
            list(Agency.objects.order_by("code").values_list("code", "name")),
            passphrase=settings.SIGNING_PKCS12_PASSPHRASE.encode(),
        )
        self.stdout.write(
            f"Development PKI in {folder}: {len(made)} new agency certificate(s); "
            f"trust root {folder / pki.ROOT_FILE}."
        )
