"""Signing with a key on a PKCS#11 token: SoftHSM (Debian's softhsm2) stands in for an HSM."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from cases import services
from cases.models import Status
from documents import signing
from documents.models import ResultDocument

from .conftest import PKI_PASSPHRASE
from .moments import MONDAY_9AM
from .signing import sign, submit, two_page_pdf, upload

pkcs11 = pytest.importorskip("pkcs11", reason="pip install 'pyHanko[pkcs11]'")
from pkcs11.util.x509 import decode_x509_certificate  # noqa: E402

pytestmark = pytest.mark.django_db

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN, PIN = "onestop-test", "1234"
JUSTICE = "000.00.20.H38"


@pytest.fixture(scope="module")
def softhsm_token(tmp_path_factory, dev_pkis):
    """A SoftHSM token holding the Department of Justice's key, its certificate and the
    issuing CA's certificate, all from the session's good test PKI."""
    if not (Path(MODULE).exists() and shutil.which("softhsm2-util")):
        pytest.skip("SoftHSM is not installed (apt-get install softhsm2)")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    config = folder / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(config)  # read when the library initialises

    def util(*args):
        subprocess.run(["softhsm2-util", *args], check=True, capture_output=True)

    util("--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "5678")
    p12 = (dev_pkis / "good" / "agencies" / f"{JUSTICE}.p12").read_bytes()
    key, cert, chain = pkcs12.load_key_and_certificates(p12, PKI_PASSPHRASE.encode())
    key_file = folder / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    util("--import", str(key_file), "--token", TOKEN, "--label", JUSTICE, "--id", "01",
         "--pin", PIN)  # fmt: skip
    key_file.unlink()
    token = pkcs11.lib(MODULE).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        for label, certificate, key_id in [
            (JUSTICE, cert, b"\x01"),
            ("issuing", chain[0], b"\x02"),
        ]:
            der = certificate.public_bytes(serialization.Encoding.DER)
            attributes = decode_x509_certificate(der)
            attributes.update(
                {
                    pkcs11.Attribute.LABEL: label,
                    pkcs11.Attribute.ID: key_id,
                    pkcs11.Attribute.TOKEN: True,
                }
            )
            session.create_object(attributes)
    return TOKEN


@pytest.fixture
def use_token(settings, softhsm_token):
    settings.SIGNING_KEY_BACKEND = "documents.signing.Pkcs11Backend"
    settings.SIGNING_PKCS11_MODULE = MODULE
    settings.SIGNING_PKCS11_TOKEN = softhsm_token
    settings.SIGNING_PKCS11_PIN = PIN


def test_a_result_signed_on_the_token_is_authentic(file_case, staff, client_for, use_token):
    case = file_case(MONDAY_9AM)
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    submit(client_for(staff["officer"]), case.code, file=upload(two_page_pdf()))

    answer = sign(client_for(staff["signer"]), case.code)

    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == Status.RESOLVED
    with ResultDocument.objects.get(case=case).signed.open("rb") as stored:
        verification = signing.verify_pdf(stored.read())
    assert verification.verdict == "authentic" and verification.signer == "Sở Tư pháp"


def test_an_agency_without_a_key_on_the_token_cannot_sign(province, use_token):
    with pytest.raises(signing.SigningUnavailable):
        signing.backend().signer_for(province["construction"])
