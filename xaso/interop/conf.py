"""The edXML settings (XASO_EDXML_*) as arguments of the pure edxml package."""

from django.conf import settings

from xaso.interop.edxml import Limits
from xaso.interop.edxml.safe import MAX_ATTACHMENT_CEILING
from xaso.interop.edxml.signing import SECURE_ALGORITHMS


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
