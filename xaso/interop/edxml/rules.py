"""Rules of QCVN 102:2016 + SĐ1:2022 on the typed model: identifiers, dates, limits.

Used by both the builder (refuses to write a bad package) and the parser (refuses to
accept one), so the two can never disagree. Limits: shared/domain/documents.md §9.3
(taken from a vendor validator); OrganId per SĐ1:2022 / QĐ 20/2020 Đ4.
"""

import datetime
import re
import zoneinfo

from django.utils.translation import gettext as _

from xaso.interop.edxml.errors import Problem
from xaso.interop.edxml.types import Business
from xaso.interop.edxml.types import BusinessDocType
from xaso.interop.edxml.types import Organization
from xaso.interop.edxml.types import Package
from xaso.interop.edxml.types import ResponseFor
from xaso.interop.edxml.types import StaffInfo
from xaso.interop.edxml.types import StatusPackage

# Times in packages carry no offset: they are Vietnam time.
VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

# QĐ 20/2020 Đ4 as amended into QCVN 102 by SĐ1:2022: up to 35 characters of `.`, 0–9, A–Z.
ORGAN_ID_MAX = 35
ORGAN_ID_RE = re.compile(r"[.0-9A-Z]{1,35}")

# §9.3 limits.
ORGAN_NAME_MAX = 200
ORGAN_ADD_MAX = 250
EMAIL_MAX = 100
PHONE_MAX = 20
CODE_NUMBER_MAX = 11
CODE_NOTATION_MAX = 30
PLACE_MAX = 50
TYPE_NAME_MAX = 100
SUBJECT_MAX = 500
CONTENT_MAX = 500
COMPETENCE_MAX = 100
POSITION_MAX = 100
FULL_NAME_MAX = 50
TO_PLACE_MAX = 150
SPHERE_MAX = 100
TYPER_NOTATION_MAX = 10
APPENDIX_MAX = 250

# Dates: SDKs write yyyy/MM/dd, a vendor validator expects dd/MM/yyyy: accept both (§9.3).
_DATE_YMD = re.compile(r"(\d{4})/(\d{2})/(\d{2})")
_DATE_DMY = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_TIME = re.compile(r"(\d{2}):(\d{2}):(\d{2})")

# Characters XML 1.0 cannot carry (control characters other than tab, LF, CR).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def format_date(value: datetime.date) -> str:
    """yyyy/MM/dd, as the SDKs and DocumentId write it."""
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def parse_date(text: str) -> datetime.date:
    """Parse yyyy/MM/dd or dd/MM/yyyy; ValueError otherwise."""
    text = text.strip()
    if match := _DATE_YMD.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DATE_DMY.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise ValueError(text)
    return datetime.date(int(year), int(month), int(day))


def format_timestamp(value: datetime.datetime, *, day_first: bool = False) -> str:
    """Vietnam time, `yyyy/MM/dd HH:mm:ss` (TraceHeader) or `dd/MM/yyyy HH:mm:ss` (Status)."""
    if value.tzinfo is not None:
        value = value.astimezone(VIETNAM)
    date = (
        f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
        if day_first
        else format_date(value.date())
    )
    return f"{date} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"


def parse_timestamp(text: str) -> datetime.datetime:
    """Parse either timestamp form into an aware datetime (Vietnam time); ValueError otherwise."""
    date_text, _sep, time_text = text.strip().partition(" ")
    date = parse_date(date_text)
    match = _TIME.fullmatch(time_text)
    if not match:
        raise ValueError(text)
    hour, minute, second = (int(part) for part in match.groups())
    return datetime.datetime.combine(date, datetime.time(hour, minute, second), tzinfo=VIETNAM)


def make_document_id(*, organ_id: str, date: datetime.date, number: str, notation: str) -> str:
    """DocumentId = `{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}` (§9.3)."""
    return f"{organ_id},{format_date(date)},{number}/{notation}"


def split_document_id(value: str) -> tuple[str, datetime.date, str, str]:
    """(OrganId, date, CodeNumber, CodeNotation) of a DocumentId; ValueError when malformed."""
    parts = value.split(",", 2)
    if len(parts) != 3:
        raise ValueError(value)
    organ_id, date_text, code = parts
    if not ORGAN_ID_RE.fullmatch(organ_id) or not _DATE_YMD.fullmatch(date_text):
        raise ValueError(value)
    number, slash, notation = code.partition("/")
    if not slash or not number or not notation:
        raise ValueError(value)
    return organ_id, parse_date(date_text), number, notation


class Checker:
    """Collects problems; each check names the element it is about."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, element: str, message: str) -> None:
        # One problem per element: a missing element is not also reported as empty.
        if element and any(problem.element == element for problem in self.problems):
            return
        self.problems.append(Problem(element, message))

    def text(self, element: str, value: str, *, max_length: int | None = None, required=False):
        if not value or not value.strip():
            if required:
                self.add(element, _("bắt buộc, không được để trống."))
            return
        if max_length is not None and len(value) > max_length:
            self.add(
                element,
                _("dài %(length)d ký tự, tối đa %(max)d ký tự.")
                % {"length": len(value), "max": max_length},
            )
        if _XML_ILLEGAL.search(value):
            self.add(element, _("chứa ký tự điều khiển không được phép trong XML."))

    def organ_id(self, element: str, value: str) -> None:
        if not value:
            self.add(element, _("mã định danh cơ quan là bắt buộc."))
        elif not ORGAN_ID_RE.fullmatch(value):
            self.add(
                element,
                _(
                    "mã định danh cơ quan “%(value)s” không hợp lệ: tối đa %(max)d ký tự, "
                    "chỉ gồm dấu chấm, chữ số và chữ in hoa A–Z (QĐ 20/2020, SĐ1:2022)."
                )
                % {"value": value[:60], "max": ORGAN_ID_MAX},
            )

    def document_id(self, element: str, value: str, *, required: bool = False) -> None:
        if not value:
            if required:
                self.add(element, _("bắt buộc, không được để trống."))
            return
        try:
            split_document_id(value)
        except ValueError:
            self.add(
                element,
                _("mã văn bản “%(value)s” không đúng dạng {OrganId},{yyyy/MM/dd},{Số}/{Ký hiệu}.")
                % {"value": value[:120]},
            )
            return
        self.text(element, value)

    def organization(self, element: str, org: Organization) -> None:
        self.organ_id(f"{element}/OrganId", org.organ_id)
        self.text(f"{element}/OrganName", org.organ_name, max_length=ORGAN_NAME_MAX)
        self.text(
            f"{element}/OrganizationInCharge",
            org.organization_in_charge,
            max_length=ORGAN_NAME_MAX,
        )
        self.text(f"{element}/OrganAdd", org.organ_add, max_length=ORGAN_ADD_MAX)
        self.text(f"{element}/Email", org.email, max_length=EMAIL_MAX)
        self.text(f"{element}/Telephone", org.telephone, max_length=PHONE_MAX)
        self.text(f"{element}/Fax", org.fax, max_length=PHONE_MAX)
        self.text(f"{element}/Website", org.website)

    def staff_info(self, element: str, staff: StaffInfo | None) -> None:
        if staff is None:
            return
        self.text(f"{element}/Department", staff.department, max_length=ORGAN_NAME_MAX)
        self.text(f"{element}/Staff", staff.staff, max_length=FULL_NAME_MAX)
        self.text(f"{element}/Mobile", staff.mobile, max_length=PHONE_MAX)
        self.text(f"{element}/Email", staff.email, max_length=EMAIL_MAX)

    def response_for(self, element: str, response: ResponseFor, *, required=False) -> None:
        self.organ_id(f"{element}/OrganId", response.organ_id)
        self.text(
            f"{element}/Code", response.code, max_length=CODE_NUMBER_MAX + 1 + CODE_NOTATION_MAX
        )
        self.document_id(f"{element}/DocumentId", response.document_id, required=required)

    def not_future(self, element: str, value: datetime.date, today: datetime.date) -> None:
        # One day of slack: the sender's clock and timezone may be ahead of ours.
        if value > today + datetime.timedelta(days=1):
            self.add(
                element,
                _("ngày %(date)s ở tương lai.") % {"date": value.strftime("%d/%m/%Y")},
            )


def _check_business(check: Checker, business: Business) -> None:
    path = "TraceHeaderList/Bussiness"
    check.text(f"{path}/BussinessDocReason", business.reason, max_length=SUBJECT_MAX)
    if business.paper < 0:
        check.add(f"{path}/Paper", _("phải là số không âm."))
    check.staff_info(f"{path}/StaffInfo", business.staff_info)
    if business.doc_type == BusinessDocType.NEW:
        return
    # ND 30/2020 Điều 18.4, 21: a recall, update or replacement names the document it is
    # about and why.
    check.document_id(f"{path}/DocumentId", business.document_id, required=True)
    check.text(f"{path}/BussinessDocReason", business.reason, required=True)
    if business.doc_type == BusinessDocType.UPDATE:
        info = business.document_info
        if info is None:
            check.add(
                f"{path}/BussinessDocumentInfo",
                _("văn bản cập nhật phải có thông tin cập nhật."),
            )
        else:
            if info.document_receiver and not info.receivers:
                check.add(
                    f"{path}/BussinessDocumentInfo/ReceiverList",
                    _("cập nhật nơi nhận phải liệt kê ít nhất một đơn vị."),
                )
            for index, receiver in enumerate(info.receivers, start=1):
                check.organ_id(
                    f"{path}/BussinessDocumentInfo/ReceiverList/Receiver[{index}]/OrganId",
                    receiver.organ_id,
                )
    if business.doc_type == BusinessDocType.REPLACE:
        if not business.replacements:
            check.add(
                f"{path}/ReplacementInfoList",
                _("văn bản thay thế phải có ít nhất một thông tin thay thế."),
            )
        for index, replacement in enumerate(business.replacements, start=1):
            element = f"{path}/ReplacementInfoList/ReplacementInfo[{index}]"
            check.document_id(f"{element}/DocumentId", replacement.document_id, required=True)
            for position, organ_id in enumerate(replacement.organ_ids, start=1):
                check.organ_id(f"{element}/OrganIdList/OrganId[{position}]", organ_id)


def check_package(
    package: Package, *, today: datetime.date | None = None, seed: list[Problem] | None = None
) -> list[Problem]:
    """Every problem of a document package, in document order; [] when valid.

    `seed`: problems already found while reading the XML (missing elements, bad numbers);
    they come first and keep the cross-checks (DocumentId) from adding noise.
    """
    today = today or datetime.datetime.now(VIETNAM).date()
    check = Checker()
    check.problems.extend(seed or [])
    header = package.header
    check.organization("MessageHeader/From", header.from_)
    if not header.to:
        check.add("MessageHeader/To", _("phải có ít nhất một đơn vị nhận."))
    seen: set[str] = set()
    for index, org in enumerate(header.to, start=1):
        check.organization(f"MessageHeader/To[{index}]", org)
        if org.organ_id in seen:
            check.add(
                f"MessageHeader/To[{index}]/OrganId",
                _("đơn vị nhận %(organ_id)s bị trùng.") % {"organ_id": org.organ_id},
            )
        seen.add(org.organ_id)
    check.text(
        "MessageHeader/Code/CodeNumber",
        header.code.number,
        max_length=CODE_NUMBER_MAX,
        required=True,
    )
    check.text(
        "MessageHeader/Code/CodeNotation",
        header.code.notation,
        max_length=CODE_NOTATION_MAX,
        required=True,
    )
    if "," in header.code.number or "/" in header.code.number:
        check.add(
            "MessageHeader/Code/CodeNumber",
            _("số văn bản không được chứa dấu phẩy hoặc dấu gạch chéo."),
        )
    check.text(
        "MessageHeader/PromulgationInfo/Place", header.promulgation_info.place, max_length=PLACE_MAX
    )
    check.not_future(
        "MessageHeader/PromulgationInfo/PromulgationDate", header.promulgation_info.date, today
    )
    if header.document_type.type < 0:
        check.add("MessageHeader/DocumentType/Type", _("phải là số không âm."))
    check.text(
        "MessageHeader/DocumentType/TypeName",
        header.document_type.type_name,
        max_length=TYPE_NAME_MAX,
    )
    check.text("MessageHeader/DocumentType/TypeDetail", header.document_type.type_detail)
    check.text("MessageHeader/Subject", header.subject, max_length=SUBJECT_MAX, required=True)
    check.text("MessageHeader/Content", header.content, max_length=CONTENT_MAX)
    signer = header.signer_info
    check.text("MessageHeader/SignerInfo/Competence", signer.competence, max_length=COMPETENCE_MAX)
    check.text("MessageHeader/SignerInfo/Position", signer.position, max_length=POSITION_MAX)
    check.text("MessageHeader/SignerInfo/FullName", signer.full_name, max_length=FULL_NAME_MAX)
    for index, place in enumerate(header.to_places, start=1):
        check.text(f"MessageHeader/ToPlaces/Place[{index}]", place, max_length=TO_PLACE_MAX)
    other = header.other_info
    for name, amount in (
        ("PromulgationAmount", other.promulgation_amount),
        ("PageAmount", other.page_amount),
    ):
        if amount is not None and amount < 0:
            check.add(f"MessageHeader/OtherInfo/{name}", _("phải là số không âm."))
    check.text(
        "MessageHeader/OtherInfo/SphereOfPromulgation",
        other.sphere_of_promulgation,
        max_length=SPHERE_MAX,
    )
    check.text(
        "MessageHeader/OtherInfo/TyperNotation", other.typer_notation, max_length=TYPER_NOTATION_MAX
    )
    for index, appendix in enumerate(other.appendixes, start=1):
        check.text(
            f"MessageHeader/OtherInfo/Appendixes/Appendix[{index}]",
            appendix,
            max_length=APPENDIX_MAX,
        )
    for index, response in enumerate(header.response_for, start=1):
        check.response_for(f"MessageHeader/ResponseFor[{index}]", response)
    check.document_id("MessageHeader/DocumentId", header.document_id, required=True)
    if header.document_id and not check.problems:
        expected = make_document_id(
            organ_id=header.from_.organ_id,
            date=header.promulgation_info.date,
            number=header.code.number,
            notation=header.code.notation,
        )
        if header.document_id != expected:
            check.add(
                "MessageHeader/DocumentId",
                _(
                    "“%(value)s” không khớp với đơn vị gửi, ngày và số, ký hiệu (phải là “%(expected)s”)."
                )
                % {"value": header.document_id[:120], "expected": expected},
            )

    if not package.trace_headers:
        check.add("TraceHeaderList/TraceHeader", _("phải có ít nhất một TraceHeader."))
    for index, trace in enumerate(package.trace_headers, start=1):
        check.organ_id(f"TraceHeaderList/TraceHeader[{index}]/OrganId", trace.organ_id)
    _check_business(check, package.business)

    content_ids: set[str] = set()
    for index, attachment in enumerate(package.attachments, start=1):
        element = f"AttachmentEncoded/Attachment[{index}]"
        check.text(f"{element}/ContentId", attachment.content_id, max_length=200, required=True)
        if attachment.content_id in content_ids:
            check.add(
                f"{element}/ContentId",
                _("ContentId “%(value)s” bị trùng.") % {"value": attachment.content_id[:80]},
            )
        content_ids.add(attachment.content_id)
        check.text(
            f"{element}/AttachmentName", attachment.name, max_length=ORGAN_ADD_MAX, required=True
        )
        check.text(f"{element}/ContentType", attachment.content_type, max_length=200, required=True)
        check.text(f"{element}/Description", attachment.description, max_length=SUBJECT_MAX)
    return check.problems


def check_status(status: StatusPackage, *, seed: list[Problem] | None = None) -> list[Problem]:
    """Every problem of a status package; [] when valid."""
    check = Checker()
    check.problems.extend(seed or [])
    check.response_for("Status/Header/ResponseFor", status.response_for, required=True)
    check.organization("Status/Header/From", status.from_)
    check.text("Status/Description", status.description, max_length=SUBJECT_MAX)
    check.staff_info("Status/StaffInfo", status.staff_info)
    return check.problems
