"""The edXML settings (XASO_EDXML_*) as arguments of the pure edxml package."""

from cryptography import x509
from django.conf import settings

from xaso.interop.edxml import Limits
from xaso.interop.edxml.safe import MAX_ATTACHMENT_CEILING
from xaso.interop.edxml.signing import SECURE_ALGORITHMS
from xaso.signatures import services as signatures


def limits() -> Limits:
    return Limits(
        max_package_bytes=settings.XASO_EDXML_MAX_PACKAGE_BYTES,
        max_attachments=settings.XASO_EDXML_MAX_ATTACHMENTS,
        # Larger attachments cannot be parsed without huge_tree anyway.
        max_attachment_bytes=min(settings.XASO_EDXML_MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_CEILING),
        max_depth=settings.XASO_EDXML_MAX_DEPTH,
    )


def signature_algorithm() -> str:
    return settings.XASO_EDXML_SIGNATURE_ALGORITHM


def accepted_algorithms() -> tuple[str, ...]:
    """Algorithms accepted on receipt: the secure ones, plus RSA-SHA1 when allowed."""
    if settings.XASO_EDXML_ACCEPT_SHA1:
        return (*SECURE_ALGORITHMS, "rsa-sha1")
    return SECURE_ALGORITHMS


def refuse_untrusted_signatures() -> bool:
    """XASO_INTEROP_UNTRUSTED_SIGNATURE: "refuse", or "flag" (default: register and show)."""
    return settings.XASO_INTEROP_UNTRUSTED_SIGNATURE == "refuse"


def trust_anchors(unit) -> tuple[list[x509.Certificate], list[x509.Certificate]]:
    """(roots, intermediates) the administrators imported for `unit` and for every unit."""
    roots, intermediates = signatures.trust_material(unit)
    return (
        [x509.load_der_x509_certificate(der) for der in roots],
        [x509.load_der_x509_certificate(der) for der in intermediates],
    )
