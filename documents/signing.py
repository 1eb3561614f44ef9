"""PAdES signing and verification with pyHanko, behind one backend interface.

A backend answers one question: which pyHanko `Signer` signs for this agency, within
`async with backend.signer(agency)`. The PKCS#12 backend (the default) reads
`{SIGNING_PKCS12_DIR}/{agency code}.p12`; the others are a PKCS#11 token (an HSM) and a
remote signing service speaking the CSC API, chosen with SIGNING_KEY_BACKEND. Everything
else (the stamp, the PAdES profile, the checks before signing) is the same whichever key signs.
"""

import asyncio
import logging
import os
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import aiohttp
from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.decode_limits import (
    DEFAULT_PURPOSE_LIMITS,
    DecodeLimits,
    DecodePurpose,
    DocumentDecodeBudget,
    StreamDecodeLimits,
)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfDecodeLimitError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.rw_common import find_inherited_value_in_tree
from pyhanko.sign import fields, signers
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import csc_signer as csc
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from cases.exceptions import InvalidTransition
from onestop.bounded import Unfinished, run_bounded
from onestop.paper import VN_TZ

from . import screening, stamp
from .certificates import subject_text

FIELD_PREFIX = "Onestop-"  # + the result document's id
STAMP_MARGIN, STAMP_HEIGHT = 36, 84  # points: the stamp spans the foot of the last page
SIGNATURE_BYTES = 8192


logger = logging.getLogger(__name__)


class SigningUnavailable(InvalidTransition):
    """The result cannot be signed now: no certificate, an expired one, or a draft that
    cannot be signed (HTTP 409)."""


# --- backends ----------------------------------------------------------------------------


def _no_certificate(agency) -> SigningUnavailable:
    return SigningUnavailable(
        _("Agency %(code)s has no signing certificate.") % {"code": agency.code}
    )


class Backend:
    """Where an agency's signing key lives. Local backends implement `signer_for`; one that
    needs a connection for the signature's lifetime overrides `signer`."""

    def signer_for(self, agency) -> signers.Signer:
        raise NotImplementedError

    @asynccontextmanager
    async def signer(self, agency):
        yield self.signer_for(agency)


class Pkcs12Backend(Backend):
    """One PKCS#12 file per agency, named after its identifier code (the default)."""

    def signer_for(self, agency) -> signers.Signer:
        path = Path(settings.SIGNING_PKCS12_DIR) / f"{agency.code}.p12"
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            raise _no_certificate(agency) from None
        return _load_pkcs12(str(path), mtime, settings.SIGNING_PKCS12_PASSPHRASE.encode())


@lru_cache(maxsize=256)
def _load_pkcs12(path: str, mtime: int, passphrase: bytes) -> signers.SimpleSigner:
    # Keyed by mtime too: a renewed certificate is picked up without a restart.
    signer = signers.SimpleSigner.load_pkcs12(path, passphrase=passphrase)
    if signer is None:
        raise SigningUnavailable(_("The signing certificate file cannot be opened."))
    return signer


class Pkcs11Backend(Backend):
    """A key on a PKCS#11 token (an HSM; SoftHSM in development and tests).

    An agency's private key and certificate carry its identifier code as their label; the
    token also holds the issuing CA's certificate, which goes into every signature.
    Settings: SIGNING_PKCS11_MODULE, SIGNING_PKCS11_TOKEN, SIGNING_PKCS11_PIN.
    """

    def signer_for(self, agency) -> signers.Signer:
        from pkcs11 import PKCS11Error  # optional: pip install 'pyHanko[pkcs11]'

        try:
            return _pkcs11_signer(
                settings.SIGNING_PKCS11_MODULE,
                settings.SIGNING_PKCS11_TOKEN,
                settings.SIGNING_PKCS11_PIN,
                agency.code,
            )
        except (PKCS11Error, SigningError):
            raise _no_certificate(agency) from None


@lru_cache(maxsize=256)
def _pkcs11_signer(module: str, token: str, pin: str, label: str):
    from pyhanko.sign import pkcs11

    session = _pkcs11_session(module, token, pin)
    signer = pkcs11.PKCS11Signer(
        session,
        cert_label=label,
        key_label=label,
        other_certs_to_pull=None,
        # Hash here, sign the digest on the token: every token has the raw mechanisms
        # (SoftHSM 2.6 has CKM_ECDSA but not CKM_ECDSA_SHA256).
        use_raw_mechanism=True,
    )
    signer.signing_cert  # noqa: B018 - load the key and certificates now, or fail here
    return signer


@lru_cache(maxsize=4)
def _pkcs11_session(module: str, token: str, pin: str):
    from pyhanko.sign import pkcs11

    return pkcs11.open_pkcs11_session(
        module, token_criteria=pkcs11.TokenCriteria(label=token), user_pin=pin
    )


class CscBackend(Backend):
    """A remote signing service (Cloud Signature Consortium API v1), e.g. a provider's HSM.

    The agency's identifier code is its credential id. Settings: SIGNING_CSC_URL (the part
    before /csc/v1/), SIGNING_CSC_TOKEN (OAuth bearer token), SIGNING_CSC_PIN.
    """

    @asynccontextmanager
    async def signer(self, agency):
        service = csc.CSCServiceSessionInfo(
            settings.SIGNING_CSC_URL, agency.code, oauth_token=settings.SIGNING_CSC_TOKEN or None
        )
        async with aiohttp.ClientSession() as session:
            try:
                credential = await csc.fetch_certs_in_csc_credential(session, service)
            except SigningError:
                raise _no_certificate(agency) from None
            authorization = _CscAuthorization(
                service, credential, session=session, pin=settings.SIGNING_CSC_PIN or None
            )
            yield csc.CSCSigner(session, auth_manager=authorization)


class _CscAuthorization(csc.CSCAuthorizationManager):
    """Asks the service for signature activation data (SAD) for each signature."""

    def __init__(self, service, credential, *, session: aiohttp.ClientSession, pin):
        super().__init__(service, credential)
        self.session, self.pin = session, pin

    async def authorize_signature(self, hash_b64s: list[str]) -> csc.CSCAuthorizationInfo:
        body = self.format_csc_auth_request(
            pin=self.pin,
            num_signatures=len(hash_b64s),
            hash_b64s=hash_b64s if self.credential_info.hash_pinning_required else None,
        )
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        try:
            async with self.session.post(
                url,
                json=body,
                headers=self.auth_headers,
                raise_for_status=True,
                timeout=aiohttp.ClientTimeout(total=30),
            ) as response:
                return self.parse_csc_auth_response(await response.json())
        except aiohttp.ClientError as exc:
            raise SigningError(f"The signing service refused the authorisation: {exc}") from exc


def backend() -> Backend:
    return import_string(settings.SIGNING_KEY_BACKEND)()


def certificate_window(agency) -> tuple[datetime, datetime] | None:
    """When the agency's signing certificate is valid, or None without one."""

    async def window():
        async with backend().signer(agency) as signer:
            cert = signer.signing_cert
            return cert.not_valid_before, cert.not_valid_after

    try:
        return asyncio.run(window())
    except SigningUnavailable:
        return None


# --- signing -----------------------------------------------------------------------------


def _cert_name(cert) -> str:
    return cert.subject.native.get("common_name") or cert.subject.human_friendly


@dataclass(frozen=True)
class Signed:
    data: bytes
    certificate: str  # the signing certificate's subject (RFC 4514)


def sign_pdf(
    pdf: bytes,
    *,
    agency,
    field_suffix: str,
    verify_url: str,
    reason: str,
    now: datetime | None = None,
) -> Signed:
    """Stamp a QR code to `verify_url` on the last page and sign with PAdES B-B with the
    agency's key, in one incremental revision: nothing is written after the signature."""
    return asyncio.run(
        _sign_pdf(
            pdf,
            agency=agency,
            field_suffix=field_suffix,
            verify_url=verify_url,
            reason=reason,
            now=now or datetime.now(UTC),
        )
    )


async def _sign_pdf(pdf, *, agency, field_suffix, verify_url, reason, now) -> Signed:
    async with backend().signer(agency) as signer:
        cert = signer.signing_cert
        if not cert.not_valid_before <= now <= cert.not_valid_after:
            raise SigningUnavailable(
                _("The signing certificate of %(name)s is not valid now (valid %(a)s to %(b)s).")
                % {
                    "name": _cert_name(cert),
                    "a": f"{cert.not_valid_before:%Y-%m-%d}",
                    "b": f"{cert.not_valid_after:%Y-%m-%d}",
                }
            )
        field_name = FIELD_PREFIX + field_suffix
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            name=_cert_name(cert),
        )
        try:
            writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
            pdf_signer = _PdfSignerAt(
                meta,
                signer=signer,
                at=now,
                stamp_style=stamp.style(),
                new_field_spec=fields.SigFieldSpec(field_name, on_page=-1, box=_stamp_box(writer)),
            )
            out = await pdf_signer.async_sign_pdf(
                writer,
                # Room for an ECDSA or RSA-4096 signature and its chain: pyHanko then skips
                # the dry-run signature it would make to measure it (half a signature's cost).
                bytes_reserved=SIGNATURE_BYTES,
                appearance_text_params={"url": verify_url, "signer": _cert_name(cert)},
            )
        except Exception as exc:  # a draft that cannot be signed, or a service that refused
            logger.exception("Signing failed")
            raise SigningUnavailable(
                _("The draft could not be signed (%s); send it back for a new PDF.") % exc
            ) from exc
        return Signed(out.getvalue(), subject_text(cert))


def _stamp_box(writer) -> tuple[int, int, int, int]:
    """Across the foot of the last page, whatever its size (A4 results, A5 slips...)."""
    page, _ = writer.find_page_for_modification(-1)
    x0, y0, x1, _ = (float(v) for v in find_inherited_value_in_tree(
        page.get_object(), "/MediaBox", "/Parent"
    ))  # fmt: skip
    return (
        int(x0 + STAMP_MARGIN),
        int(y0 + STAMP_MARGIN * 2 / 3),
        int(x1 - STAMP_MARGIN),
        int(y0 + STAMP_MARGIN * 2 / 3 + STAMP_HEIGHT),
    )


class _PdfSignerAt(signers.PdfSigner):
    """A PdfSigner whose signature (its /M entry, the CMS signing time and the stamp) says
    `at`, the moment the case's step records, rather than pyHanko's own reading of the clock:
    the case page and the PDF tell one time."""

    def __init__(self, *args, at: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self.at = at.astimezone(VN_TZ)

    def init_signing_session(self, *args, **kwargs):
        session = super().init_signing_session(*args, **kwargs)
        session.system_time = self.at
        return session


def readable_pdf(data: bytes) -> PdfFileReader:
    """The parsed PDF, or ValueError if pyHanko cannot read it (or it is signed already)."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        reader.root["/Pages"]  # noqa: B018 - a PDF without pages cannot be stamped or signed
        encrypted = reader.encrypted
        signed = not encrypted and bool(reader.embedded_signatures)
    except Exception as exc:  # whatever breaks the parser, the answer is a 400
        raise ValueError(_("The PDF cannot be read: %s") % exc) from None
    if encrypted:
        raise ValueError(_("The PDF is encrypted; upload it without a password."))
    if signed:
        raise ValueError(_("The PDF is already signed; upload the unsigned draft."))
    return reader


# --- verification --------------------------------------------------------------------------


class Verdict:
    AUTHENTIC = "authentic"  # signed by a trusted certificate, not changed since
    MODIFIED = "modified"  # changed after signing (or damaged)
    UNTRUSTED = "untrusted"  # intact, but the certificate does not chain to our roots
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNSIGNED = "unsigned"  # a PDF with no signature
    UNREADABLE = "unreadable"  # not a PDF pyHanko can read

    ALL = [AUTHENTIC, MODIFIED, UNTRUSTED, EXPIRED, REVOKED, UNSIGNED, UNREADABLE]


@dataclass(frozen=True)
class Verification:
    verdict: str
    signer: str = ""
    signed_at: datetime | None = None

    @property
    def authentic(self) -> bool:
        return self.verdict == Verdict.AUTHENTIC


_EXPIRED = {
    AdESIndeterminate.EXPIRED,
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED,
    AdESIndeterminate.NOT_YET_VALID,
    AdESFailure.NOT_YET_VALID,
}
_REVOKED = {AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE}


def _read_all(paths, loader) -> tuple:
    items = []
    for path in paths:
        data = Path(path).read_bytes()
        if pem.detect(data):
            blocks = [der for _, _, der in pem.unarmor(data, multiple=True)]
        else:
            blocks = [data]
        items += [loader(der) for der in blocks]
    return tuple(items)


@lru_cache(maxsize=8)
def _trust(roots: tuple, crls: tuple, stamp: tuple) -> tuple:
    return (
        _read_all([r for r in roots if os.path.exists(r)], asn1_x509.Certificate.load),
        _read_all([c for c in crls if os.path.exists(c)], asn1_crl.CertificateList.load),
    )


def trust_material() -> tuple:
    """The configured trust roots and CRLs, re-read when a file changes."""
    roots = tuple(str(p) for p in settings.SIGNING_TRUST_ROOTS)
    crls = tuple(str(p) for p in settings.SIGNING_CRLS)
    stamp = tuple(os.stat(p).st_mtime_ns if os.path.exists(p) else 0 for p in roots + crls)
    return _trust(roots, crls, stamp)


# What one verification may cost, whatever the file (issue 19): a genuine result takes a few
# tens of CPU milliseconds and a few MB; a 20 MB file built to make pyHanko spin or allocate
# is stopped here and called unreadable.
MiB = 1024 * 1024
VERIFY_CPU_SECONDS = 0.5
VERIFY_MEMORY_BYTES = 64 * MiB
VERIFY_WALL_SECONDS = 3.0
# What verification may inflate: object and xref streams, a signature's certificates and
# revocation data. pyHanko's defaults (64 MiB an object stream, 100 times the file in all)
# are made for reading whole documents; an object stream of a genuine result is a few KB.
DECODE_LIMITS = DecodeLimits(
    per_stream=StreamDecodeLimits(max_output_size=16 * MiB),
    per_purpose={
        **DEFAULT_PURPOSE_LIMITS,
        DecodePurpose.OBJECT_STREAM: StreamDecodeLimits(
            max_ratio=100, ratio_floor=MiB, max_output_size=4 * MiB
        ),
    },
    document_budget=DocumentDecodeBudget(base_allowance=32 * MiB, max_ratio=1),
)
# A parse stopped by a limit, not by a damaged byte: the file is unreadable, not modified.
# (An allocation refused deep in C code may surface as SystemError, not MemoryError.)
_OVER_LIMITS = (RecursionError, MemoryError, SystemError, PdfDecodeLimitError)


def verify_pdf(data: bytes, *, now: datetime | None = None) -> Verification:
    """Judge a signed PDF against the configured trust roots (and CRLs), at `now`.

    The file is untrusted: it is screened first (`screening.refusal`, milliseconds), then
    parsed and judged in a child process with VERIFY_CPU_SECONDS of CPU, VERIFY_MEMORY_BYTES
    of memory and VERIFY_WALL_SECONDS of wall time. A file refused, or stopped, is
    unreadable.
    """
    if (reason := screening.refusal(data)) is not None:
        logger.info("PDF refused before verification: %s", reason)
        return Verification(Verdict.UNREADABLE)
    trust = trust_material()  # read here, where it is cached, not in each child
    try:
        return run_bounded(
            _judge,
            data,
            now,
            trust,
            cpu_seconds=VERIFY_CPU_SECONDS,
            memory_bytes=VERIFY_MEMORY_BYTES,
            wall_seconds=VERIFY_WALL_SECONDS,
        )
    except Unfinished as stopped:
        logger.warning("PDF verification stopped: %s", stopped)
        return Verification(Verdict.UNREADABLE)


def _judge(data: bytes, now: datetime | None, trust: tuple) -> Verification:
    """The verdict on a screened PDF: run in the budget's child process."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False, decode_limits=DECODE_LIMITS)
        signatures = reader.embedded_signatures
    except Exception as exc:  # any failure to parse an untrusted file is a verdict
        # A file that was signed (it has a byte range) but no longer parses was changed.
        damaged = b"/ByteRange" in data and not _over_limits(exc)
        return Verification(Verdict.MODIFIED if damaged else Verdict.UNREADABLE)
    if not signatures:
        return Verification(Verdict.UNSIGNED)
    signature = signatures[-1]
    roots, crls = trust
    context = ValidationContext(
        trust_roots=list(roots), crls=list(crls), moment=now, allow_fetching=False
    )
    try:
        status = validate_pdf_signature(signature, context, skip_diff=True)
    except Exception as exc:  # a signature too damaged to check was changed
        return Verification(Verdict.UNREADABLE if _over_limits(exc) else Verdict.MODIFIED)
    found = Verification(
        verdict=Verdict.AUTHENTIC,
        signer=_cert_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
    )
    # Anything after the signature, or more than one signature, counts as a change: our
    # results carry exactly one signature over the whole file.
    if (
        not (status.intact and status.valid)
        or status.coverage != SignatureCoverageLevel.ENTIRE_FILE
        or len(signatures) != 1
    ):
        verdict = Verdict.MODIFIED
    elif status.revoked or status.trust_problem_indic in _REVOKED:
        verdict = Verdict.REVOKED
    elif status.trust_problem_indic in _EXPIRED:
        verdict = Verdict.EXPIRED
    elif not status.trusted:
        verdict = Verdict.UNTRUSTED
    else:
        return found
    return Verification(verdict, found.signer, found.signed_at)


def _over_limits(exc: BaseException | None) -> bool:
    """Whether a limit stopped the parse (pyHanko may wrap the error in its own)."""
    while exc is not None:
        if isinstance(exc, _OVER_LIMITS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False
