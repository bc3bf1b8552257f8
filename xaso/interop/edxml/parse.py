"""Read edXML packages from untrusted bytes into the typed model, strictly.

Every problem is collected (missing elements, bad numbers, codes and dates, every §9.3
limit) and raised together as EdxmlValidationError; hostile or malformed XML is refused
first by `safe.parse_xml` (UnsafeXmlError).
"""

import base64
import binascii
import datetime
import enum
from typing import TypeVar

from django.utils.translation import gettext as _
from lxml import etree

from xaso.interop.edxml.errors import EdxmlValidationError
from xaso.interop.edxml.errors import Problem
from xaso.interop.edxml.rules import check_package
from xaso.interop.edxml.rules import check_status
from xaso.interop.edxml.rules import parse_date
from xaso.interop.edxml.rules import parse_timestamp
from xaso.interop.edxml.safe import DEFAULT_LIMITS
from xaso.interop.edxml.safe import Limits
from xaso.interop.edxml.safe import parse_xml
from xaso.interop.edxml.types import NAMESPACE
from xaso.interop.edxml.types import XLINK_NAMESPACE
from xaso.interop.edxml.types import Attachment
from xaso.interop.edxml.types import Business
from xaso.interop.edxml.types import BusinessDocType
from xaso.interop.edxml.types import BusinessDocumentInfo
from xaso.interop.edxml.types import Code
from xaso.interop.edxml.types import DocumentType
from xaso.interop.edxml.types import MessageHeader
from xaso.interop.edxml.types import Organization
from xaso.interop.edxml.types import OtherInfo
from xaso.interop.edxml.types import Package
from xaso.interop.edxml.types import Priority
from xaso.interop.edxml.types import PromulgationInfo
from xaso.interop.edxml.types import Receiver
from xaso.interop.edxml.types import ReceiverType
from xaso.interop.edxml.types import ReplacementInfo
from xaso.interop.edxml.types import ResponseFor
from xaso.interop.edxml.types import SignerInfo
from xaso.interop.edxml.types import StaffInfo
from xaso.interop.edxml.types import StatusCode
from xaso.interop.edxml.types import StatusPackage
from xaso.interop.edxml.types import SteeringType
from xaso.interop.edxml.types import TraceHeader

E = TypeVar("E", bound=enum.Enum)

_PLACEHOLDER_DATE = datetime.date(2000, 1, 1)
_PLACEHOLDER_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


class _Reader:
    """Walks the tree, recording a problem for each missing or malformed element."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def missing(self, path: str) -> None:
        self.problems.append(Problem(path, _("thiếu phần tử bắt buộc.")))

    def child(
        self, parent: etree._Element | None, name: str, path: str, *, required: bool = False
    ) -> etree._Element | None:
        if parent is None:
            return None
        found = parent.findall(_q(name))
        if not found:
            if required:
                self.missing(path)
            return None
        if len(found) > 1:
            self.problems.append(Problem(path, _("phần tử chỉ được xuất hiện một lần.")))
        return found[0]

    def children(self, parent: etree._Element | None, name: str) -> list[etree._Element]:
        return [] if parent is None else parent.findall(_q(name))

    def text(
        self, parent: etree._Element | None, name: str, path: str, *, required: bool = False
    ) -> str:
        element = self.child(parent, name, path, required=required)
        if element is None:
            return ""
        if len(element):
            self.problems.append(Problem(path, _("phải là văn bản, không chứa phần tử con.")))
        value = (element.text or "").strip()
        if required and not value:
            self.problems.append(Problem(path, _("bắt buộc, không được để trống.")))
        return value

    def integer(
        self,
        parent: etree._Element | None,
        name: str,
        path: str,
        *,
        required: bool = False,
        default: int | None = None,
    ) -> int | None:
        value = self.text(parent, name, path, required=required)
        if not value:
            return default
        if not value.isascii() or not value.lstrip("-").isdigit():
            self.problems.append(
                Problem(path, _("“%(value)s” không phải số nguyên.") % {"value": value[:40]})
            )
            return default
        return int(value)

    def flag(self, parent: etree._Element | None, name: str, path: str) -> bool:
        """A 0/1 flag (absent = 0)."""
        raw = self.text(parent, name, path)
        if raw not in ("", "0", "1"):
            self.problems.append(
                Problem(
                    path,
                    _("giá trị “%(value)s” không hợp lệ, chỉ nhận: 0, 1.") % {"value": raw[:40]},
                )
            )
        return raw == "1"

    def choice(
        self,
        parent: etree._Element | None,
        name: str,
        path: str,
        enum_type: type[E],
        *,
        default: E,
        required: bool = False,
    ) -> E:
        raw = self.text(parent, name, path, required=required)
        if not raw:
            return default
        allowed = [member.value for member in enum_type]
        try:
            value = int(raw) if isinstance(allowed[0], int) else raw
            return enum_type(value)
        except ValueError:
            self.problems.append(
                Problem(
                    path,
                    _("giá trị “%(value)s” không hợp lệ, chỉ nhận: %(allowed)s.")
                    % {"value": raw[:40], "allowed": ", ".join(str(a) for a in allowed)},
                )
            )
            return default

    def date(
        self, parent: etree._Element | None, name: str, path: str, *, required: bool = False
    ) -> datetime.date | None:
        raw = self.text(parent, name, path, required=required)
        if not raw:
            return None
        try:
            return parse_date(raw)
        except ValueError:
            self.problems.append(
                Problem(
                    path,
                    _("ngày “%(value)s” không đúng định dạng yyyy/MM/dd hoặc dd/MM/yyyy.")
                    % {"value": raw[:40]},
                )
            )
            return None

    def timestamp(
        self, parent: etree._Element | None, name: str, path: str
    ) -> datetime.datetime | None:
        raw = self.text(parent, name, path, required=True)
        if not raw:
            return None
        try:
            return parse_timestamp(raw)
        except ValueError:
            self.problems.append(
                Problem(
                    path,
                    _(
                        "thời điểm “%(value)s” không đúng định dạng yyyy/MM/dd HH:mm:ss "
                        "hoặc dd/MM/yyyy HH:mm:ss."
                    )
                    % {"value": raw[:40]},
                )
            )
            return None

    def organization(self, element: etree._Element | None, path: str) -> Organization:
        return Organization(
            organ_id=self.text(element, "OrganId", f"{path}/OrganId", required=True),
            organization_in_charge=self.text(
                element, "OrganizationInCharge", f"{path}/OrganizationInCharge"
            ),
            organ_name=self.text(element, "OrganName", f"{path}/OrganName"),
            organ_add=self.text(element, "OrganAdd", f"{path}/OrganAdd"),
            email=self.text(element, "Email", f"{path}/Email"),
            telephone=self.text(element, "Telephone", f"{path}/Telephone"),
            fax=self.text(element, "Fax", f"{path}/Fax"),
            website=self.text(element, "Website", f"{path}/Website"),
        )

    def response_for(self, element: etree._Element | None, path: str) -> ResponseFor:
        return ResponseFor(
            organ_id=self.text(element, "OrganId", f"{path}/OrganId", required=True),
            code=self.text(element, "Code", f"{path}/Code"),
            promulgation_date=self.date(element, "PromulgationDate", f"{path}/PromulgationDate"),
            document_id=self.text(element, "DocumentId", f"{path}/DocumentId"),
        )

    def staff_info(self, element: etree._Element | None, path: str) -> StaffInfo | None:
        if element is None:
            return None
        return StaffInfo(
            department=self.text(element, "Department", f"{path}/Department"),
            staff=self.text(element, "Staff", f"{path}/Staff"),
            mobile=self.text(element, "Mobile", f"{path}/Mobile"),
            email=self.text(element, "Email", f"{path}/Email"),
        )


def _root_parts(
    data: bytes, limits: Limits, reader: _Reader
) -> tuple[etree._Element, etree._Element | None]:
    root = parse_xml(data, limits=limits)
    if root.tag != _q("edXML"):
        raise EdxmlValidationError(
            [
                Problem(
                    "edXML",
                    _(
                        "phần tử gốc phải là edXML trong không gian tên %(namespace)s, "
                        "nhận được %(tag)s."
                    )
                    % {"namespace": NAMESPACE, "tag": str(root.tag)[:120]},
                )
            ]
        )
    envelope = reader.child(root, "edXMLEnvelope", "edXMLEnvelope", required=True)
    header = reader.child(envelope, "edXMLHeader", "edXMLEnvelope/edXMLHeader", required=True)
    return root, header


def package_kind(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> str:
    """ "document" or "status", by what the (safely parsed) header holds."""
    reader = _Reader()
    _root, header = _root_parts(data, limits, reader)
    if reader.problems:
        raise EdxmlValidationError(reader.problems)
    if header is not None and header.find(_q("Status")) is not None:
        return "status"
    return "document"


def _business(reader: _Reader, element: etree._Element | None) -> Business:
    path = "TraceHeaderList/Bussiness"
    if element is None:
        return Business()
    doc_type = reader.choice(
        element,
        "BussinessDocType",
        f"{path}/BussinessDocType",
        BusinessDocType,
        default=BusinessDocType.NEW,
        required=True,
    )
    info_element = reader.child(element, "BussinessDocumentInfo", f"{path}/BussinessDocumentInfo")
    document_info = None
    if info_element is not None:
        info_path = f"{path}/BussinessDocumentInfo"
        receivers = []
        receiver_list = reader.child(info_element, "ReceiverList", f"{info_path}/ReceiverList")
        for index, item in enumerate(reader.children(receiver_list, "Receiver"), start=1):
            item_path = f"{info_path}/ReceiverList/Receiver[{index}]"
            receivers.append(
                Receiver(
                    receiver_type=reader.choice(
                        item,
                        "ReceiverType",
                        f"{item_path}/ReceiverType",
                        ReceiverType,
                        default=ReceiverType.ADDED,
                        required=True,
                    ),
                    organ_id=reader.text(item, "OrganId", f"{item_path}/OrganId", required=True),
                )
            )
        document_info = BusinessDocumentInfo(
            document_info=reader.flag(info_element, "DocumentInfo", f"{info_path}/DocumentInfo"),
            document_receiver=reader.flag(
                info_element, "DocumentReceiver", f"{info_path}/DocumentReceiver"
            ),
            receivers=receivers,
        )
    replacements = []
    replacement_list = reader.child(element, "ReplacementInfoList", f"{path}/ReplacementInfoList")
    for index, item in enumerate(reader.children(replacement_list, "ReplacementInfo"), start=1):
        item_path = f"{path}/ReplacementInfoList/ReplacementInfo[{index}]"
        organ_list = reader.child(item, "OrganIdList", f"{item_path}/OrganIdList")
        replacements.append(
            ReplacementInfo(
                document_id=reader.text(item, "DocumentId", f"{item_path}/DocumentId"),
                organ_ids=[
                    (organ.text or "").strip() for organ in reader.children(organ_list, "OrganId")
                ],
            )
        )
    return Business(
        doc_type=doc_type,
        reason=reader.text(element, "BussinessDocReason", f"{path}/BussinessDocReason"),
        document_id=reader.text(element, "DocumentId", f"{path}/DocumentId"),
        paper=reader.integer(element, "Paper", f"{path}/Paper", default=0) or 0,
        staff_info=reader.staff_info(
            reader.child(element, "StaffInfo", f"{path}/StaffInfo"), f"{path}/StaffInfo"
        ),
        document_info=document_info,
        replacements=replacements,
    )


def _attachments(
    reader: _Reader, root: etree._Element, envelope: etree._Element | None, limits: Limits
) -> list[Attachment]:
    body = reader.child(envelope, "edXMLBody", "edXMLEnvelope/edXMLBody")
    manifest = reader.child(body, "edXMLManifest", "edXMLBody/edXMLManifest")
    referenced: list[str] = []
    for index, reference in enumerate(reader.children(manifest, "Reference"), start=1):
        path = f"edXMLManifest/Reference[{index}]"
        href = reference.get(f"{{{XLINK_NAMESPACE}}}href", "")
        content_id = reader.text(reference, "ContentId", f"{path}/ContentId")
        if href.startswith("cid:"):
            href_id = href[4:]
            if content_id and content_id != href_id:
                reader.problems.append(Problem(path, _("xlink:href không khớp với ContentId.")))
            content_id = content_id or href_id
        elif href:
            reader.problems.append(
                Problem(
                    f"{path}/@xlink:href",
                    _("chỉ chấp nhận tham chiếu “cid:” tới tệp đính kèm trong gói tin."),
                )
            )
        if not content_id:
            reader.missing(f"{path}/ContentId")
        referenced.append(content_id)

    items = reader.children(
        reader.child(root, "AttachmentEncoded", "AttachmentEncoded"), "Attachment"
    )
    if len(items) > limits.max_attachments:
        reader.problems.append(
            Problem(
                "AttachmentEncoded",
                _("có %(count)d tệp đính kèm, tối đa %(max)d.")
                % {"count": len(items), "max": limits.max_attachments},
            )
        )
        return []
    attachments = []
    for index, item in enumerate(items, start=1):
        path = f"AttachmentEncoded/Attachment[{index}]"
        encoded = reader.text(item, "ContentTransferEncoded", f"{path}/ContentTransferEncoded")
        compact = "".join(encoded.split())
        data = b""
        if len(compact) * 3 // 4 > limits.max_attachment_bytes:
            reader.problems.append(
                Problem(
                    f"{path}/ContentTransferEncoded",
                    _("tệp đính kèm vượt giới hạn %(max)d byte.")
                    % {"max": limits.max_attachment_bytes},
                )
            )
        else:
            try:
                data = base64.b64decode(compact, validate=True)
            except (binascii.Error, ValueError):
                reader.problems.append(
                    Problem(f"{path}/ContentTransferEncoded", _("dữ liệu base64 không hợp lệ."))
                )
        attachments.append(
            Attachment(
                content_id=reader.text(item, "ContentId", f"{path}/ContentId", required=True),
                name=reader.text(item, "AttachmentName", f"{path}/AttachmentName", required=True),
                content_type=reader.text(item, "ContentType", f"{path}/ContentType", required=True),
                description=reader.text(item, "Description", f"{path}/Description"),
                data=data,
            )
        )
    present = {attachment.content_id for attachment in attachments}
    for content_id in referenced:
        if content_id and content_id not in present:
            reader.problems.append(
                Problem(
                    "edXMLManifest",
                    _("tham chiếu cid:%(cid)s không có tệp đính kèm tương ứng.")
                    % {"cid": content_id[:80]},
                )
            )
    for attachment in attachments:
        if attachment.content_id and attachment.content_id not in referenced:
            reader.problems.append(
                Problem(
                    "AttachmentEncoded",
                    _("tệp đính kèm %(cid)s không được khai báo trong edXMLManifest.")
                    % {"cid": attachment.content_id[:80]},
                )
            )
    return attachments


def parse_package(
    data: bytes, *, limits: Limits = DEFAULT_LIMITS, today: datetime.date | None = None
) -> Package:
    """The document package in `data`; UnsafeXmlError or EdxmlValidationError otherwise."""
    reader = _Reader()
    root, header_element = _root_parts(data, limits, reader)
    envelope = root.find(_q("edXMLEnvelope"))
    message = reader.child(header_element, "MessageHeader", "MessageHeader", required=True)
    if message is None:
        raise EdxmlValidationError(reader.problems)
    path = "MessageHeader"
    to_elements = reader.children(message, "To")
    if not to_elements:
        reader.problems.append(Problem(f"{path}/To", _("phải có ít nhất một đơn vị nhận.")))
    code_element = reader.child(message, "Code", f"{path}/Code", required=True)
    promulgation = reader.child(
        message, "PromulgationInfo", f"{path}/PromulgationInfo", required=True
    )
    type_element = reader.child(message, "DocumentType", f"{path}/DocumentType", required=True)
    signer = reader.child(message, "SignerInfo", f"{path}/SignerInfo")
    places = reader.child(message, "ToPlaces", f"{path}/ToPlaces")
    other = reader.child(message, "OtherInfo", f"{path}/OtherInfo")
    appendixes = reader.child(other, "Appendixes", f"{path}/OtherInfo/Appendixes")
    header = MessageHeader(
        from_=reader.organization(
            reader.child(message, "From", f"{path}/From", required=True), f"{path}/From"
        ),
        to=[
            reader.organization(element, f"{path}/To[{index}]")
            for index, element in enumerate(to_elements, start=1)
        ],
        code=Code(
            number=reader.text(
                code_element, "CodeNumber", f"{path}/Code/CodeNumber", required=True
            ),
            notation=reader.text(
                code_element, "CodeNotation", f"{path}/Code/CodeNotation", required=True
            ),
        ),
        promulgation_info=PromulgationInfo(
            place=reader.text(promulgation, "Place", f"{path}/PromulgationInfo/Place"),
            date=reader.date(
                promulgation,
                "PromulgationDate",
                f"{path}/PromulgationInfo/PromulgationDate",
                required=promulgation is not None,
            )
            or _PLACEHOLDER_DATE,
        ),
        document_type=DocumentType(
            type=reader.integer(
                type_element,
                "Type",
                f"{path}/DocumentType/Type",
                required=type_element is not None,
                default=0,
            )
            or 0,
            type_name=reader.text(type_element, "TypeName", f"{path}/DocumentType/TypeName"),
            type_detail=reader.text(type_element, "TypeDetail", f"{path}/DocumentType/TypeDetail"),
        ),
        subject=reader.text(message, "Subject", f"{path}/Subject", required=True),
        content=reader.text(message, "Content", f"{path}/Content"),
        signer_info=SignerInfo(
            competence=reader.text(signer, "Competence", f"{path}/SignerInfo/Competence"),
            position=reader.text(signer, "Position", f"{path}/SignerInfo/Position"),
            full_name=reader.text(signer, "FullName", f"{path}/SignerInfo/FullName"),
        ),
        due_date=reader.date(message, "DueDate", f"{path}/DueDate"),
        to_places=[(place.text or "").strip() for place in reader.children(places, "Place")],
        other_info=OtherInfo(
            priority=reader.choice(
                other, "Priority", f"{path}/OtherInfo/Priority", Priority, default=Priority.NORMAL
            ),
            sphere_of_promulgation=reader.text(
                other, "SphereOfPromulgation", f"{path}/OtherInfo/SphereOfPromulgation"
            ),
            typer_notation=reader.text(other, "TyperNotation", f"{path}/OtherInfo/TyperNotation"),
            promulgation_amount=reader.integer(
                other, "PromulgationAmount", f"{path}/OtherInfo/PromulgationAmount"
            ),
            page_amount=reader.integer(other, "PageAmount", f"{path}/OtherInfo/PageAmount"),
            appendixes=[
                (appendix.text or "").strip()
                for appendix in reader.children(appendixes, "Appendix")
            ],
        ),
        response_for=[
            reader.response_for(element, f"{path}/ResponseFor[{index}]")
            for index, element in enumerate(reader.children(message, "ResponseFor"), start=1)
        ],
        steering_type=reader.choice(
            message,
            "SteeringType",
            f"{path}/SteeringType",
            SteeringType,
            default=SteeringType.NOT_STEERING,
        ),
        document_id=reader.text(message, "DocumentId", f"{path}/DocumentId", required=True),
    )
    trace_list = reader.child(header_element, "TraceHeaderList", "TraceHeaderList", required=True)
    traces = []
    for index, element in enumerate(reader.children(trace_list, "TraceHeader"), start=1):
        trace_path = f"TraceHeaderList/TraceHeader[{index}]"
        traces.append(
            TraceHeader(
                organ_id=reader.text(element, "OrganId", f"{trace_path}/OrganId", required=True),
                timestamp=reader.timestamp(element, "Timestamp", f"{trace_path}/Timestamp")
                or _PLACEHOLDER_TIME,
            )
        )
    business = _business(reader, reader.child(trace_list, "Bussiness", "TraceHeaderList/Bussiness"))
    attachments = _attachments(reader, root, envelope, limits)
    package = Package(
        header=header, trace_headers=traces, business=business, attachments=attachments
    )
    problems = check_package(package, today=today, seed=reader.problems)
    if problems:
        raise EdxmlValidationError(_unique(problems))
    return package


def parse_status(data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> StatusPackage:
    """The status package in `data`; UnsafeXmlError or EdxmlValidationError otherwise."""
    reader = _Reader()
    _root, header_element = _root_parts(data, limits, reader)
    element = reader.child(header_element, "Status", "Status", required=True)
    if element is None:
        raise EdxmlValidationError(reader.problems)
    status_header = reader.child(element, "Header", "Status/Header", required=True)
    status = StatusPackage(
        response_for=reader.response_for(
            reader.child(status_header, "ResponseFor", "Status/Header/ResponseFor", required=True),
            "Status/Header/ResponseFor",
        ),
        from_=reader.organization(
            reader.child(status_header, "From", "Status/Header/From", required=True),
            "Status/Header/From",
        ),
        status_code=reader.choice(
            element,
            "StatusCode",
            "Status/StatusCode",
            StatusCode,
            default=StatusCode.ARRIVED,
            required=True,
        ),
        description=reader.text(element, "Description", "Status/Description"),
        timestamp=reader.timestamp(element, "Timestamp", "Status/Timestamp") or _PLACEHOLDER_TIME,
        staff_info=reader.staff_info(
            reader.child(element, "StaffInfo", "Status/StaffInfo"), "Status/StaffInfo"
        ),
    )
    problems = check_status(status, seed=reader.problems)
    if problems:
        raise EdxmlValidationError(_unique(problems))
    return status


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    result = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            result.append(problem)
    return result
