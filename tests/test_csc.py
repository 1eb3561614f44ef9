"""Remote signing over the CSC API. The signing service is outside the system, so it is
stood in for at its HTTP boundary: a small CSC v1 service on loopback that signs with the
session's test PKI keys."""

import asyncio
import base64
import threading

import pytest
from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.hazmat.primitives.serialization import pkcs12

from cases import services
from cases.models import Status
from documents import signing
from documents.models import ResultDocument

from .conftest import PKI_PASSPHRASE
from .moments import MONDAY_9AM
from .signing import sign, submit, two_page_pdf, upload

pytestmark = pytest.mark.django_db

JUSTICE, PIN = "000.00.20.H38", "246810"
ECDSA_SHA256 = "1.2.840.10045.4.3.2"


def csc_service(credentials: dict) -> web.Application:
    """credentials/info, credentials/authorize (PIN, hash-pinned SAD), signatures/signHash."""
    granted: dict[str, list[str]] = {}

    async def info(request):
        body = await request.json()
        if body.get("credentialID") not in credentials:
            return web.json_response({"error": "invalid_request"}, status=400)
        _, chain = credentials[body["credentialID"]]
        der = [c.public_bytes(serialization.Encoding.DER) for c in chain]
        return web.json_response(
            {
                "key": {"status": "enabled", "algo": [ECDSA_SHA256], "len": 256},
                "cert": {
                    "status": "valid",
                    "certificates": [base64.b64encode(d).decode() for d in der],
                },
                "authMode": "explicit",
                "SCAL": "2",
                "multisign": 1,
            }
        )

    async def authorize(request):
        body = await request.json()
        if body.get("PIN") != PIN:
            return web.json_response({"error": "invalid_pin"}, status=401)
        sad = f"sad-{len(granted)}"
        granted[sad] = body["hash"]
        return web.json_response({"SAD": sad, "expiresIn": 60})

    async def sign_hash(request):
        body = await request.json()
        if granted.pop(body["SAD"], None) != body["hash"] or body["signAlgo"] != ECDSA_SHA256:
            return web.json_response({"error": "invalid_request"}, status=400)
        key, _ = credentials[body["credentialID"]]
        signatures = [
            key.sign(base64.b64decode(h), ec.ECDSA(utils.Prehashed(hashes.SHA256())))
            for h in body["hash"]
        ]
        return web.json_response({"signatures": [base64.b64encode(s).decode() for s in signatures]})

    app = web.Application()
    app.router.add_post("/csc/v1/credentials/info", info)
    app.router.add_post("/csc/v1/credentials/authorize", authorize)
    app.router.add_post("/csc/v1/signatures/signHash", sign_hash)
    return app


@pytest.fixture(scope="module")
def csc_url(dev_pkis, worker_id):
    """The service on 127.0.0.1, one port per xdist worker (8151, 8152, ...)."""
    p12 = (dev_pkis / "good" / "agencies" / f"{JUSTICE}.p12").read_bytes()
    key, cert, chain = pkcs12.load_key_and_certificates(p12, PKI_PASSPHRASE.encode())
    port = 8151 + (int(worker_id.removeprefix("gw")) if worker_id.startswith("gw") else 0)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(csc_service({JUSTICE: (key, [cert, *chain])}))
    started = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10), "the CSC test service did not start"
    yield f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def use_csc(settings, csc_url):
    settings.SIGNING_KEY_BACKEND = "documents.signing.CscBackend"
    settings.SIGNING_CSC_URL = csc_url
    settings.SIGNING_CSC_PIN = PIN


@pytest.fixture
def awaiting_signature(file_case, staff, client_for):
    case = file_case(MONDAY_9AM)
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    submit(client_for(staff["officer"]), case.code, file=upload(two_page_pdf()))
    return case


def test_a_result_signed_by_the_remote_service_is_authentic(
    awaiting_signature, staff, client_for, use_csc
):
    answer = sign(client_for(staff["signer"]), awaiting_signature.code)

    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == Status.RESOLVED
    document = ResultDocument.objects.get(case=awaiting_signature)
    with document.signed.open("rb") as stored:
        verification = signing.verify_pdf(stored.read())
    assert verification.verdict == "authentic" and verification.signer == "Sở Tư pháp"
    assert "Sở Tư pháp" in document.certificate_subject


def test_an_agency_without_a_remote_credential_cannot_sign(use_csc, province):
    with pytest.raises(signing.SigningUnavailable, match="000.00.21.H38"):
        signing.sign_pdf(
            two_page_pdf(), agency=province["construction"], field_suffix="x", verify_url="u",
            reason="r",
        )  # fmt: skip


def test_a_refused_authorisation_is_a_conflict_and_changes_nothing(
    awaiting_signature, staff, client_for, use_csc, settings
):
    settings.SIGNING_CSC_PIN = "000000"

    answer = sign(client_for(staff["signer"]), awaiting_signature.code)

    assert answer.status_code == 409 and "could not be signed" in answer.json()["detail"]
    awaiting_signature.refresh_from_db()
    assert awaiting_signature.status == Status.AWAITING_SIGNATURE
    assert not ResultDocument.objects.get(case=awaiting_signature).is_signed
