"""Typed model of edXML packages (QCVN 102:2016/BTTTT + Sửa đổi 1:2022).

Plain dataclasses, no ORM: the documents app maps its registers to and from these.
Element names and limits: shared/domain/documents.md §9.
"""

import datetime
import enum
from dataclasses import dataclass
from dataclasses import field

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"


class Priority(enum.IntEnum):
    """OtherInfo/Priority (độ khẩn)."""

    NORMAL = 0  # thường
    URGENT = 1  # khẩn
    VERY_URGENT = 2  # thượng khẩn
    FLASH = 3  # hỏa tốc
    FLASH_TIMED = 4  # hỏa tốc hẹn giờ


class SteeringType(enum.IntEnum):
    """SteeringType. 0 is not in the list but sent by some systems (documents.md §9.3)."""

    UNSPECIFIED = 0
    NOT_STEERING = 1  # không phải chỉ đạo
    STEERING = 2  # chỉ đạo
    STEERING_REPORT = 3  # báo cáo chỉ đạo


class BusinessDocType(enum.IntEnum):
    """Bussiness/BussinessDocType."""

    NEW = 0  # văn bản mới
    RECALL = 1  # thu hồi
    UPDATE = 2  # cập nhật
    REPLACE = 3  # thay thế


class ReceiverType(enum.IntEnum):
    """ReceiverList/Receiver/ReceiverType of an update."""

    REMOVED = 0
    ADDED = 1


class StatusCode(enum.StrEnum):
    """Status/StatusCode (documents.md §9.5)."""

    ARRIVED = "01"  # đã đến
    REJECTED = "02"  # từ chối tiếp nhận
    ACCEPTED = "03"  # đã tiếp nhận
    AWAITING_ASSIGNMENT = "04"  # đã đến, đang chờ phân công
    ASSIGNED = "05"  # đã phân công, đang xử lý
    DONE = "06"  # đã xử lý xong
    RECALLED = "13"  # thu hồi văn bản (lấy lại)
    RECALL_AGREED = "15"  # đồng ý thu hồi / cập nhật
    RECALL_REFUSED = "16"  # từ chối thu hồi / cập nhật


@dataclass(kw_only=True)
class Organization:
    """From / To / Status From: an agency, identified by its OrganId (QĐ 20/2020)."""

    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(kw_only=True)
class Code:
    """Số (CodeNumber, e.g. `7816`) and ký hiệu (CodeNotation, e.g. `VPCP-TTĐT`)."""

    number: str
    notation: str

    def __str__(self) -> str:
        return f"{self.number}/{self.notation}"


@dataclass(kw_only=True)
class PromulgationInfo:
    date: datetime.date
    place: str = ""


@dataclass(kw_only=True)
class DocumentType:
    """Type: 1 or 2 in one vendor's validator, 18 from one builder; meaning Unknown."""

    type: int
    type_name: str = ""
    type_detail: str = ""


@dataclass(kw_only=True)
class SignerInfo:
    competence: str = ""  # TL., KT., TM. …
    position: str = ""
    full_name: str = ""


@dataclass(kw_only=True)
class OtherInfo:
    priority: Priority = Priority.NORMAL
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class ResponseFor:
    """The document answered (or, in a status package, the one the status is about)."""

    organ_id: str
    code: str = ""  # "7816/VPCP-TTĐT"
    promulgation_date: datetime.date | None = None
    document_id: str = ""


@dataclass(kw_only=True)
class MessageHeader:
    from_: Organization
    to: list[Organization]
    code: Code
    promulgation_info: PromulgationInfo
    document_type: DocumentType
    subject: str
    content: str = ""
    signer_info: SignerInfo = field(default_factory=SignerInfo)
    due_date: datetime.date | None = None
    to_places: list[str] = field(default_factory=list)
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: SteeringType = SteeringType.NOT_STEERING
    # Empty on build: computed from From/OrganId, PromulgationDate and Code.
    document_id: str = ""


@dataclass(kw_only=True)
class TraceHeader:
    """One hop of the package: the agency that handled it and when (Vietnam time)."""

    organ_id: str
    timestamp: datetime.datetime


@dataclass(kw_only=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(kw_only=True)
class Receiver:
    receiver_type: ReceiverType
    organ_id: str


@dataclass(kw_only=True)
class BusinessDocumentInfo:
    """What an update (BussinessDocType 2) changes: the document's information and/or its
    receivers (ReceiverList)."""

    document_info: bool = False
    document_receiver: bool = False
    receivers: list[Receiver] = field(default_factory=list)


@dataclass(kw_only=True)
class ReplacementInfo:
    document_id: str
    organ_ids: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Business:
    """TraceHeaderList/Bussiness (spelling of the standard)."""

    doc_type: BusinessDocType = BusinessDocType.NEW
    reason: str = ""
    # The document recalled, updated or replaced (types 1–3).
    document_id: str = ""
    paper: int = 0  # 0 = no paper copy follows
    staff_info: StaffInfo | None = None
    document_info: BusinessDocumentInfo | None = None
    replacements: list[ReplacementInfo] = field(default_factory=list)


@dataclass(kw_only=True)
class Attachment:
    """A file carried base64-encoded in AttachmentEncoded and listed in the manifest
    (`xlink:href="cid:{content_id}"`)."""

    content_id: str
    name: str
    content_type: str
    data: bytes
    description: str = ""


@dataclass(kw_only=True)
class Package:
    """A document package (edXML with a MessageHeader)."""

    header: MessageHeader
    trace_headers: list[TraceHeader]
    business: Business = field(default_factory=Business)
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(kw_only=True)
class StatusPackage:
    """A status package (edXML with a Status header) about one document."""

    response_for: ResponseFor
    from_: Organization
    status_code: StatusCode
    timestamp: datetime.datetime
    description: str = ""
    staff_info: StaffInfo | None = None
