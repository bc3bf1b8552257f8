"""Safe reading of untrusted XML (packages from other agencies, the Internet).

The defusedxml rules applied to lxml: no DTD is loaded, no entity is resolved or expanded
(XXE `file://` / `http://`, "billion laughs"), no network access, no huge trees; any
DOCTYPE or entity declaration is refused outright, and size and depth are capped by
settings before and after parsing.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from lxml import etree

from xaso.interop.edxml.errors import Problem
from xaso.interop.edxml.errors import UnsafeXmlError


@dataclass(frozen=True, kw_only=True)
class Limits:
    """Caps for one package. Defaults match the settings' defaults (XASO_EDXML_*)."""

    # Whole package as received (base64 attachments included).
    max_package_bytes: int = 40 * 1024 * 1024
    max_attachments: int = 50
    # One attachment, decoded. libxml2 refuses a text node over 10,000,000 characters
    # without huge_tree, i.e. ~7.1 MiB of base64-decoded data: the ceiling of this value.
    max_attachment_bytes: int = 7 * 1024 * 1024
    max_depth: int = 32


DEFAULT_LIMITS = Limits()

# libxml2's XML_MAX_TEXT_LENGTH without huge_tree; base64 of ~7.15 MiB.
TEXT_NODE_MAX = 10_000_000
MAX_ATTACHMENT_CEILING = TEXT_NODE_MAX // 4 * 3

_FORBIDDEN_MARKUP = (b"<!DOCTYPE", b"<!ENTITY", b"<!ELEMENT", b"<!ATTLIST")


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
        collect_ids=False,
    )


def _refuse(message: str) -> UnsafeXmlError:
    return UnsafeXmlError([Problem("", message)])


def _depth_exceeds(root: etree._Element, max_depth: int) -> bool:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False


def parse_xml(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> etree._Element:
    """The root element of `data`, or UnsafeXmlError with a clear Vietnamese reason."""
    if not isinstance(data, bytes | bytearray):
        raise _refuse(_("Gói tin phải là dữ liệu nhị phân (bytes)."))
    if not data.strip():
        raise _refuse(_("Gói tin rỗng."))
    if len(data) > limits.max_package_bytes:
        raise _refuse(
            _("Gói tin dài %(size)d byte, vượt giới hạn %(max)d byte.")
            % {"size": len(data), "max": limits.max_package_bytes}
        )
    # Refused before parsing when visible in an ASCII-compatible encoding; the checks on the
    # parsed tree below catch the same in UTF-16 and other encodings.
    for marker in _FORBIDDEN_MARKUP:
        if marker in data:
            raise _refuse(
                _(
                    "Gói tin chứa khai báo DOCTYPE/ENTITY: không được phép "
                    "(chống tấn công thực thể ngoài và mở rộng thực thể)."
                )
            )
    try:
        root = etree.fromstring(bytes(data), parser=_parser())
    except etree.XMLSyntaxError as exc:
        if "Text node too long" in str(exc):
            raise _refuse(
                _(
                    "Gói tin có một phần tử (thường là tệp đính kèm) dài quá %(max)d ký tự; "
                    "tệp đính kèm tối đa khoảng 7 MB."
                )
                % {"max": TEXT_NODE_MAX}
            ) from exc
        raise _refuse(
            _("Gói tin không phải XML hợp lệ: %(error)s") % {"error": str(exc)[:300]}
        ) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _refuse(_("Gói tin chứa khai báo DOCTYPE: không được phép."))
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise _refuse(_("Gói tin chứa tham chiếu thực thể: không được phép."))
    if _depth_exceeds(root, limits.max_depth):
        raise _refuse(_("Gói tin lồng quá %(max)d cấp phần tử.") % {"max": limits.max_depth})
    return root
