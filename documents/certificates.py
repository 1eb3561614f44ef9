"""A signing certificate's subject (chủ thể chứng thư số) as people read it: each field
named in the reader's language, the common name first."""

from cryptography import x509
from cryptography.x509.oid import NameOID
from django.utils.translation import gettext_lazy as _

FIELDS = {
    NameOID.COMMON_NAME: _("Common Name"),
    NameOID.ORGANIZATIONAL_UNIT_NAME: _("Organizational Unit"),
    NameOID.ORGANIZATION_NAME: _("Organization"),
    NameOID.LOCALITY_NAME: _("Locality"),
    NameOID.STATE_OR_PROVINCE_NAME: _("State or Province"),
    NameOID.COUNTRY_NAME: _("Country"),
    NameOID.EMAIL_ADDRESS: _("Email Address"),
    NameOID.SERIAL_NUMBER: _("Serial Number"),
    NameOID.USER_ID: _("User ID"),  # Vietnamese CAs put the tax code or CCCD number here
}


def subject_text(certificate) -> str:
    """The subject of an asn1crypto certificate as RFC 4514 text (CN=…,O=…,C=VN): kept
    on the result, named field by field in the reader's language when shown."""
    return x509.load_der_x509_certificate(certificate.dump()).subject.rfc4514_string()


def subject_fields(subject: str) -> list[tuple[str, str]]:
    """(field name, value) pairs of a subject kept by `subject_text`, the most specific
    (the common name) first; text kept otherwise is one pair with no name."""
    try:
        name = x509.Name.from_rfc4514_string(subject)
    except ValueError:
        return [("", subject)]
    return [
        (str(FIELDS.get(attribute.oid, attribute.oid.dotted_string)), str(attribute.value))
        for attribute in reversed(list(name))
    ]
