"""A PKI for development and tests: a root CA, an issuing CA, one signing certificate per agency.

Pure functions on `cryptography` (no database): `make_dev_pki` writes the files the
PKCS#12 signing backend and the verifier read (see the SIGNING_* settings). ECDSA P-256
keys, so a province's few hundred agencies get their certificates in a second or two.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_FILE = "root.pem"
ISSUING_FILE = "issuing.pem"
ISSUING_KEY_FILE = "issuing.key"
CRL_FILE = "issuing.crl"
# Verifiers consult a CRL only for certificates that name where it is published.
DEFAULT_CRL_URL = "http://127.0.0.1:8000/pki/issuing.crl"
AGENCY_DIR = "agencies"


@dataclass(frozen=True)
class Authority:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _name(common_name: str, organisation: str = "Onestop development PKI") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    *,
    subject,
    key,
    issuer: Authority | None,
    not_before,
    not_after,
    ca: bool,
    path_length=None,
    crl_url: str = "",
):
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    usage = dict.fromkeys(
        [
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ],
        False,
    )
    if ca:
        usage.update(key_cert_sign=True, crl_sign=True)
    else:
        usage.update(digital_signature=True, content_commitment=True)  # non-repudiation
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
    builder = builder.add_extension(x509.KeyUsage(**usage), critical=True)
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    return builder.sign((issuer.key if issuer else key), hashes.SHA256())


def make_authorities(
    *, now: datetime | None = None, valid_from: datetime | None = None, name: str = "Onestop Dev"
) -> tuple:
    """A self-signed root (20 years) and an issuing CA under it (10 years), valid from
    `valid_from` (a day before `now` by default)."""
    now = now or datetime.now(UTC)
    valid_from = valid_from or now - timedelta(days=1)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = Authority(
        _certificate(
            subject=_name(f"{name} Root CA"),
            key=root_key,
            issuer=None,
            not_before=valid_from,
            not_after=now + timedelta(days=365 * 20),
            ca=True,
            path_length=1,
        ),
        root_key,
    )
    issuing_key = ec.generate_private_key(ec.SECP256R1())
    issuing = Authority(
        _certificate(
            subject=_name(f"{name} Issuing CA"),
            key=issuing_key,
            issuer=root,
            not_before=valid_from,
            not_after=now + timedelta(days=365 * 10),
            ca=True,
            path_length=0,
        ),
        issuing_key,
    )
    return root, issuing


def agency_certificate(
    issuing: Authority,
    *,
    agency_code: str,
    agency_name: str,
    not_before: datetime,
    not_after: datetime,
    crl_url: str = DEFAULT_CRL_URL,
) -> Authority:
    """The organisation certificate an agency signs its results with."""
    key = ec.generate_private_key(ec.SECP256R1())
    # X.520's bound (cryptography counts UTF-8 bytes): cut there without splitting a letter.
    name = agency_name.encode()[:64].decode("utf-8", "ignore").strip()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency_code),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    cert = _certificate(
        subject=subject,
        key=key,
        issuer=issuing,
        not_before=not_before,
        not_after=not_after,
        ca=False,
        crl_url=crl_url,
    )
    return Authority(cert, key)


def pkcs12_bytes(holder: Authority, issuing: Authority, *, passphrase: bytes) -> bytes:
    """The signing key, its certificate and the issuing CA, as one PKCS#12 file."""
    return pkcs12.serialize_key_and_certificates(
        name=holder.cert.subject.rfc4514_string().encode(),
        key=holder.key,
        cert=holder.cert,
        cas=[issuing.cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )


def crl_bytes(
    issuing: Authority,
    *,
    revoked: list[x509.Certificate],
    now: datetime,
    valid_from: datetime | None = None,
) -> bytes:
    """The issuing CA's CRL, issued at `valid_from` (five minutes ago by default), with the
    `revoked` certificates revoked then."""
    issued = valid_from or now - timedelta(minutes=5)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuing.cert.subject)
        .last_update(issued)
        .next_update(now + timedelta(days=365))
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(issued)
            .build()
        )
    return builder.sign(issuing.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def write_dev_pki(
    folder: Path,
    agencies: list[tuple[str, str]],
    *,
    passphrase: bytes,
    now: datetime | None = None,
    valid_for: timedelta = timedelta(days=365 * 2),
    valid_from: datetime | None = None,
    revoke: frozenset[str] = frozenset(),
) -> list[str]:
    """Create what is missing under `folder`; return the agency codes given a new certificate.

    The root and issuing CA are made once; an agency that already has its PKCS#12 file keeps
    it, so running this again (each start of `serve`) only adds agencies created since.
    `revoke` lists agency codes whose new certificates go straight onto the CRL (tests).
    Everything is valid from `valid_from`, a day before `now` by default, until `valid_for`
    after `now`: tests that set the clock back need the window to open before it.
    """
    now = now or datetime.now(UTC)
    folder = Path(folder)
    (folder / AGENCY_DIR).mkdir(parents=True, exist_ok=True)
    if (folder / ISSUING_KEY_FILE).exists():
        issuing = Authority(
            x509.load_pem_x509_certificate((folder / ISSUING_FILE).read_bytes()),
            serialization.load_pem_private_key(
                (folder / ISSUING_KEY_FILE).read_bytes(), password=passphrase
            ),
        )
    else:
        root, issuing = make_authorities(now=now, valid_from=valid_from)
        (folder / ROOT_FILE).write_bytes(_pem(root.cert))
        (folder / ISSUING_FILE).write_bytes(_pem(issuing.cert))
        key_file = folder / ISSUING_KEY_FILE
        key_file.write_bytes(
            issuing.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(passphrase),
            )
        )
        key_file.chmod(0o600)

    made, revoked = [], []
    for code, name in agencies:
        target = folder / AGENCY_DIR / f"{code}.p12"
        if target.exists():
            continue
        holder = agency_certificate(
            issuing,
            agency_code=code,
            agency_name=name,
            not_before=valid_from or now - timedelta(days=1),
            not_after=now + valid_for,
        )
        target.write_bytes(pkcs12_bytes(holder, issuing, passphrase=passphrase))
        target.chmod(0o600)
        made.append(code)
        if code in revoke:
            revoked.append(holder.cert)
    if revoked or not (folder / CRL_FILE).exists():
        (folder / CRL_FILE).write_bytes(
            crl_bytes(issuing, revoked=revoked, now=now, valid_from=valid_from)
        )
    return made
