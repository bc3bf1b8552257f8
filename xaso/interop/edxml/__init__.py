"""edXML packages of QCVN 102:2016/BTTTT + Sửa đổi 1:2022 (pure Python + lxml, no ORM).

package = Package(header=MessageHeader(...), trace_headers=[...])
data = build_package(package)            # bytes, or EdxmlValidationError
data = sign_package(data, key=..., certificate=...)
verified = verify_package(data)          # signer certificate, or SignatureError
package = parse_package(verified.signed_data)   # or UnsafeXmlError / EdxmlValidationError
"""

from xaso.interop.edxml.build import build_package
from xaso.interop.edxml.build import build_status
from xaso.interop.edxml.errors import EdxmlError
from xaso.interop.edxml.errors import EdxmlValidationError
from xaso.interop.edxml.errors import Problem
from xaso.interop.edxml.errors import SignatureError
from xaso.interop.edxml.errors import UnsafeXmlError
from xaso.interop.edxml.parse import package_kind
from xaso.interop.edxml.parse import parse_package
from xaso.interop.edxml.parse import parse_status
from xaso.interop.edxml.rules import make_document_id
from xaso.interop.edxml.rules import split_document_id
from xaso.interop.edxml.safe import Limits
from xaso.interop.edxml.signing import VerifiedSignature
from xaso.interop.edxml.signing import sign_package
from xaso.interop.edxml.signing import verify_package
from xaso.interop.edxml.types import *  # noqa: F403
from xaso.interop.edxml.types import Package
from xaso.interop.edxml.types import StatusCode
from xaso.interop.edxml.types import StatusPackage

__all__ = [
    "EdxmlError",
    "EdxmlValidationError",
    "Limits",
    "Package",
    "Problem",
    "SignatureError",
    "StatusCode",
    "StatusPackage",
    "UnsafeXmlError",
    "VerifiedSignature",
    "build_package",
    "build_status",
    "make_document_id",
    "package_kind",
    "parse_package",
    "parse_status",
    "sign_package",
    "split_document_id",
    "verify_package",
]
