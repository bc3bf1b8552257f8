"""Registration of incoming documents (ND 30/2020 Đ20–22).

The arrival number (số đến) is consecutive in receipt order within the year, shared by
paper and electronic documents (Đ22.2): one counter per unit and year, allocated under a
row lock in the transaction that writes the register line, so it never repeats or skips.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.audit import record_audit_event
from xaso.core.exceptions import DomainError
from xaso.core.models import User
from xaso.core.numbering import allocate_number
from xaso.core.search import normalize_search_text
from xaso.documents import extraction
from xaso.documents.doctypes import DocumentType
from xaso.documents.models import IncomingDocument
from xaso.documents.models import Medium
from xaso.documents.models import Secrecy
from xaso.documents.models import Urgency
from xaso.documents.uploads import CheckedFile

REGISTER_PERMISSION = "documents.register_documents"
INCOMING_REGISTER = "documents.incoming"
_STAGING_SALT = "xaso.documents.staged-file"


class DuplicateDocumentError(DomainError):
    """The same issuer, number/notation and date are already in the register."""

    code = "duplicate_document"

    def __init__(self, message: str, *, duplicates: list[IncomingDocument]) -> None:
        super().__init__(message)
        self.duplicates = duplicates


@dataclass
class StagedFile:
    """A checked file already written to storage, waiting for its register line."""

    name: str
    content_type: str
    sha256: str

    def read(self) -> bytes:
        with default_storage.open(self.name, "rb") as handle:
            return handle.read()


@dataclass
class IncomingData:
    medium: str
    issuing_body: str
    document_date: datetime.date
    subject: str
    code_number: str = ""
    code_notation: str = ""
    doc_type: str = DocumentType.CONG_VAN
    signer_name: str = ""
    page_count: int | None = None
    urgency: str = Urgency.NORMAL
    secrecy: str = Secrecy.NORMAL
    note: str = ""
    issuing_body_identifier: str = ""
    file: StagedFile | None = None
    extracted_text: str = ""


def stage_file(*, actor: User, checked: CheckedFile) -> tuple[StagedFile, str]:
    """Write a checked upload to storage; return it and a signed token for the form.

    The clerk may need two submits (pre-fill, duplicate confirmation): the token lets the
    form keep the file without uploading it again, and only for the same user.
    """
    name = default_storage.save(
        f"documents/incoming/{timezone.localdate():%Y}/{uuid.uuid4().hex}.{checked.extension}",
        checked.file,
    )
    staged = StagedFile(name=name, content_type=checked.content_type, sha256=checked.sha256)
    token = signing.dumps(
        {"u": actor.pk, "n": name, "t": checked.content_type, "h": checked.sha256},
        salt=_STAGING_SALT,
    )
    return staged, token


def staged_from_token(*, actor: User, token: str) -> StagedFile | None:
    """The staged file of `token` if it was staged by `actor` within a day, else None."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_STAGING_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    if data.get("u") != actor.pk or not default_storage.exists(data["n"]):
        return None
    return StagedFile(name=data["n"], content_type=data["t"], sha256=data["h"])


def _same(a: str, b: str) -> bool:
    return normalize_search_text(a) == normalize_search_text(b)


def find_duplicates(
    *,
    unit_id: int,
    issuing_body: str,
    code_number: str,
    code_notation: str,
    document_date: datetime.date,
) -> list[IncomingDocument]:
    """Register lines with the same issuer + number/notation + date (PL VI: duplicate warning).

    Issuer and notation are compared without case, diacritics or extra spaces, as the
    clerk types them differently from one day to the next.
    """
    if not (code_number or code_notation):
        return []
    candidates = IncomingDocument.objects.filter(
        unit_id=unit_id, code_number=code_number.strip(), document_date=document_date
    )
    return [
        document
        for document in candidates
        if _same(document.issuing_body, issuing_body)
        and _same(document.code_notation, code_notation)
    ]


def _validate(data: IncomingData, arrived_at: datetime.datetime) -> None:
    errors: dict[str, list[str]] = {}
    if not data.issuing_body.strip():
        errors.setdefault("issuing_body", []).append(_("Hãy nhập tên cơ quan ban hành."))
    if not data.subject.strip():
        errors.setdefault("subject", []).append(_("Hãy nhập trích yếu nội dung."))
    if data.code_number and not data.code_number.strip().isdigit():
        errors.setdefault("code_number", []).append(
            _("Số văn bản chỉ gồm chữ số (ví dụ 12); ký hiệu nhập ở ô riêng.")
        )
    if data.code_notation and " " in data.code_notation.strip():
        errors.setdefault("code_notation", []).append(
            _("Ký hiệu văn bản không có dấu cách (ví dụ QĐ-UBND).")
        )
    if data.document_date > timezone.localtime(arrived_at).date():
        errors.setdefault("document_date", []).append(
            _("Ngày tháng văn bản không thể sau ngày đến.")
        )
    if data.medium not in Medium.values:
        errors.setdefault("medium", []).append(_("Hình thức văn bản không hợp lệ."))
    if data.medium == Medium.ELECTRONIC and (
        data.file is None or data.file.content_type != "application/pdf"
    ):
        errors.setdefault("file", []).append(_("Văn bản điện tử phải kèm tệp PDF."))
    if data.doc_type not in DocumentType.values:
        errors.setdefault("doc_type", []).append(_("Tên loại văn bản không hợp lệ."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def register_incoming(
    *,
    actor: User,
    data: IncomingData,
    confirm_duplicate: bool = False,
    arrived_at: datetime.datetime | None = None,
) -> IncomingDocument:
    """Write one line of the incoming register and give it the next arrival number.

    Raises PermissionDenied without the clerk's permission, ValidationError for bad data,
    DuplicateDocumentError when the same document is already registered and the clerk has
    not confirmed that it is a different one. Nothing is saved in those cases.
    """
    if not actor.has_perm(REGISTER_PERMISSION) or actor.unit_id is None:
        raise PermissionDenied
    arrived_at = arrived_at or timezone.now()
    _validate(data, arrived_at)
    duplicates = find_duplicates(
        unit_id=actor.unit_id,
        issuing_body=data.issuing_body,
        code_number=data.code_number,
        code_notation=data.code_notation,
        document_date=data.document_date,
    )
    if duplicates and not confirm_duplicate:
        first = duplicates[0]
        raise DuplicateDocumentError(
            _(
                "Văn bản này có thể đã vào sổ: số đến %(number)s/%(year)s (%(body)s, "
                "%(code)s, ngày %(date)s). Hãy kiểm tra; nếu đúng là văn bản khác, đánh "
                "dấu “Vẫn vào sổ” rồi lưu lại."
            )
            % {
                "number": first.arrival_number,
                "year": first.arrival_year,
                "body": first.issuing_body,
                "code": first.number_notation,
                "date": first.document_date.strftime("%d/%m/%Y"),
            },
            duplicates=duplicates,
        )
    year = timezone.localtime(arrived_at).year
    number = allocate_number(unit=actor.unit, register=INCOMING_REGISTER, period=str(year))
    document = IncomingDocument(
        unit=actor.unit,
        arrival_year=year,
        arrival_number=number,
        arrived_at=arrived_at,
        medium=data.medium,
        issuing_body=" ".join(data.issuing_body.split()),
        issuing_body_identifier=data.issuing_body_identifier.strip(),
        code_number=data.code_number.strip(),
        code_notation=data.code_notation.strip(),
        document_date=data.document_date,
        doc_type=data.doc_type,
        subject=data.subject.strip(),
        signer_name=data.signer_name.strip(),
        page_count=data.page_count,
        urgency=data.urgency,
        secrecy=data.secrecy,
        note=data.note.strip(),
        registered_by=actor,
        duplicate_of=duplicates[0] if duplicates else None,
        extracted_text=data.extracted_text,
    )
    if data.file is not None:
        document.file.name = data.file.name
        document.content_type = data.file.content_type
        document.sha256 = data.file.sha256
        if document.page_count is None and data.file.content_type == "application/pdf":
            document.page_count = extraction.pdf_page_count(data.file.read())
    document.refresh_search_text()
    document.full_clean(validate_unique=False, validate_constraints=False)
    document.save()
    record_audit_event(
        action="documents.incoming_registered",
        actor=actor,
        target=document,
        data={
            "arrival_year": year,
            "arrival_number": number,
            "number_notation": document.number_notation,
            "issuing_body": document.issuing_body,
            "medium": document.medium,
            "duplicate_confirmed": bool(duplicates),
        },
    )
    return document


def prefill(*, staged: StagedFile) -> extraction.Guess:
    """What the file says about itself (text layer or OCR); the clerk confirms it."""
    return extraction.guess_from_file(staged.read(), staged.content_type)
