"""Documents received through the electronic exchange (edXML; ND 30/2020 Đ21, Đ18.4).

The exchange layer (interop, an edge app) parses and authenticates the package and calls
these functions with plain data; nothing here knows edXML.

Reading of Đ21.2 ("check authenticity and integrity; failed or misaddressed → return
through the System; acknowledge the same day"): the system checks both digital signatures
of the PDF the moment the package arrives; a document that passes is written in the
incoming register at once (arrival number under the same row lock as a clerk's entry,
registered_by empty = "by the exchange system") and answered 03 đã tiếp nhận; one that
fails is refused (02) with the reasons and nothing is stored. The văn thư then presents
and assigns it as any other incoming document.

Every PDF the package carries is kept as a file of the document (IncomingFile, version 1);
an update from the sender (Đ21) adds the next version, the earlier ones kept; a replacement
(Đ18) is a new document and the replaced one is frozen, linked to it.

The notes stored here and the descriptions sent back to the sending agency are official
texts: Vietnamese whatever language the official who fetched the package uses
(@official_language, xaso/core/i18n.py).
"""

import datetime
import functools
import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from xaso.core.audit import record_audit_event
from xaso.core.exceptions import DomainError
from xaso.core.i18n import official_language
from xaso.core.models import AdministrativeUnit
from xaso.core.tasks import send_email
from xaso.documents.models import IncomingDocument
from xaso.documents.models import IncomingFile
from xaso.documents.models import Medium
from xaso.documents.services.incoming import IncomingData
from xaso.documents.services.incoming import StagedFile
from xaso.documents.services.incoming import _register
from xaso.signatures import services as signatures
from xaso.signatures.models import VerificationRecord

IncomingStatus = IncomingDocument.Status


class RefusedDocumentError(DomainError):
    """Refused on arrival (edXML status 02) with the reason in Vietnamese."""

    code = "refused"


@dataclass(frozen=True)
class ReceivedFile:
    name: str
    content_type: str
    data: bytes


def find_received(
    *, unit: AdministrativeUnit, sender_id: str, document_id: str
) -> IncomingDocument | None:
    return (
        IncomingDocument.objects.filter(
            unit=unit, issuing_body_identifier=sender_id, exchange_document_id=document_id
        )
        .order_by("pk")
        .first()
    )


def _check_signed(item: ReceivedFile, unit: AdministrativeUnit) -> None:
    """RefusedDocumentError with the reason unless every signature of the PDF verifies."""
    try:
        report = signatures.verify_pdf(item.data, unit=unit)
    except signatures.PdfRejectedError as error:
        raise RefusedDocumentError(error.message) from error
    if not report.signed:
        raise RefusedDocumentError(
            _("Tệp văn bản %(name)s không có chữ ký số (ND 30/2020 Điều 5).") % {"name": item.name}
        )
    if not report.ok:
        reasons = sorted(
            {problem for signature in report.signatures for problem in signature.problems}
        )
        raise RefusedDocumentError(
            _("Chữ ký số của tệp %(name)s không hợp lệ: %(reasons)s")
            % {"name": item.name, "reasons": " ".join(reasons)}
        )


def _check_all(files: list[ReceivedFile], unit: AdministrativeUnit) -> None:
    """Every file is checked before anything is stored: one that fails refuses them all."""
    for item in files:
        _check_signed(item, unit)


def _save(item: ReceivedFile) -> str:
    """Store the bytes under a name of ours (the sender's name only gives the stem)."""
    stem = slugify(item.name.rsplit(".", 1)[0])[:60] or "van-ban"
    return default_storage.save(
        f"documents/incoming/{timezone.localdate():%Y}/{stem}.pdf", ContentFile(item.data)
    )


def _add_files(
    document: IncomingDocument,
    files: list[ReceivedFile],
    *,
    version: int,
    reason: str = "",
    main_name: str = "",
    main_verification: VerificationRecord | None = None,
) -> list[IncomingFile]:
    """The version's rows, the first file being the main one (already stored as
    `main_name` with `main_verification` when given)."""
    rows = []
    for index, item in enumerate(files):
        is_main = index == 0
        if is_main and main_name:
            name, verification = main_name, main_verification
        else:
            name = _save(item)
            verification = signatures.record_verification(
                actor=None,
                unit=document.unit,
                pdf_bytes=item.data,
                filename=item.name,
                source=VerificationRecord.Source.RECEIVED,
            )
        rows.append(
            IncomingFile.objects.create(
                document=document,
                version=version,
                name=item.name[:255],
                file=name,
                content_type="application/pdf",
                sha256=hashlib.sha256(item.data).hexdigest(),
                is_main=is_main,
                is_current=True,
                verification=verification,
                reason=reason[:500],
            )
        )
    return rows


@transaction.atomic
@official_language
def register_received(
    *,
    unit: AdministrativeUnit,
    data: IncomingData,
    main_file: ReceivedFile,
    document_id: str,
    arrived_at: datetime.datetime | None = None,
    other_files: tuple[ReceivedFile, ...] | list[ReceivedFile] = (),
) -> tuple[IncomingDocument, bool]:
    """(document, created): check the signatures of every PDF and register it; a package
    for a document already registered (redelivery) returns the existing line. The main
    file is the document's file; all of them are kept as version 1 of its files."""
    existing = find_received(
        unit=unit, sender_id=data.issuing_body_identifier, document_id=document_id
    )
    if existing is not None:
        return existing, False
    files = [main_file, *other_files]
    _check_all(files, unit)
    verification = signatures.record_verification(
        actor=None,
        unit=unit,
        pdf_bytes=main_file.data,
        filename=main_file.name,
        source=VerificationRecord.Source.RECEIVED,
    )
    name = _save(main_file)
    data.file = StagedFile(
        name=name,
        content_type="application/pdf",
        sha256=hashlib.sha256(main_file.data).hexdigest(),
    )
    data.medium = Medium.ELECTRONIC
    document = _register(
        unit=unit,
        actor=None,
        data=data,
        confirm_duplicate=True,
        arrived_at=arrived_at,
        verification=verification,
        exchange_document_id=document_id,
    )
    _add_files(document, files, version=1, main_name=name, main_verification=verification)
    return document, True


@dataclass(frozen=True)
class RecallAnswer:
    agreed: bool
    description: str


@transaction.atomic
@official_language
def recall_received(
    *, unit: AdministrativeUnit, sender_id: str, document_id: str, reason: str
) -> RecallAnswer:
    """The sender recalls a document (BussinessDocType 1, Đ18.4).

    Our reading: the receiver must delete it; we freeze it instead (kept for the audit
    trail, marked recalled, no more handling) and agree (15). We refuse (16) only when we
    never received it or it was already handled to completion (done), since a result
    issued on it cannot be taken back by deleting the document.
    """
    document = (
        IncomingDocument.objects.select_for_update()
        .filter(unit=unit, issuing_body_identifier=sender_id, exchange_document_id=document_id)
        .first()
    )
    if document is None:
        return RecallAnswer(
            False, _("Không có văn bản %(id)s trong sổ văn bản đến.") % {"id": document_id}
        )
    if document.status == IncomingStatus.DONE:
        return RecallAnswer(
            False,
            _("Văn bản số đến %(number)s đã được giải quyết xong, không thu hồi được.")
            % {"number": document.arrival_number},
        )
    if document.recalled_at is None:
        now = timezone.now()
        document.recalled_at = now
        document.recall_reason = reason[:500]
        document.status = IncomingStatus.FILED
        document.save(update_fields=["recalled_at", "recall_reason", "status"])
        record_audit_event(
            action="documents.incoming_recalled",
            unit=unit,
            target=document,
            data={"document_id": document_id, "reason": reason},
        )
    return RecallAnswer(
        True,
        _("Đã thu hồi văn bản số đến %(number)s.") % {"number": document.arrival_number},
    )


# Header fields an update may change (Đ21: the sender corrects its document); the rest
# (number, date, sender) identify the document and stay.
UPDATABLE_FIELDS = ("subject", "doc_type", "signer_name", "urgency")


def _refusal(document: IncomingDocument | None, document_id: str) -> RecallAnswer | None:
    """Why an update or replacement cannot apply to `document`, or None."""
    if document is None:
        return RecallAnswer(
            False, _("Không có văn bản %(id)s trong sổ văn bản đến.") % {"id": document_id}
        )
    if document.recalled_at is not None:
        return RecallAnswer(
            False,
            _("Văn bản số đến %(number)s đã bị thu hồi, không cập nhật được.")
            % {"number": document.arrival_number},
        )
    if document.replaced_at is not None:
        return RecallAnswer(
            False,
            _("Văn bản số đến %(number)s đã bị thay thế, không cập nhật được.")
            % {"number": document.arrival_number},
        )
    return None


def _notify_handlers(document: IncomingDocument, reason: str) -> None:
    """E-mail the officials handling the document that the sender changed it, after the
    commit (the same mail task as the assignment's notice)."""
    recipients = [
        handler.user.email
        for handler in document.handlers.filter(done_at__isnull=True).select_related("user")
        if handler.user.email
    ]
    if not recipients:
        return
    values = {
        "number": document.arrival_number,
        "year": document.arrival_year,
        "body": document.issuing_body,
        "subject": document.subject,
        "reason": reason,
    }
    transaction.on_commit(
        functools.partial(
            send_email.enqueue,
            subject=_("[XãSố] Văn bản đến số %(number)s/%(year)s được cơ quan gửi cập nhật")
            % values,
            body=_(
                "Văn bản đến số %(number)s/%(year)s của %(body)s: %(subject)s.\n"
                "Cơ quan gửi đã cập nhật văn bản (lý do: %(reason)s). Hãy xem phiên bản mới."
            )
            % values,
            recipients=recipients,
        )
    )


@official_language
def apply_update(
    *,
    unit: AdministrativeUnit,
    sender_id: str,
    document_id: str,
    reason: str,
    files: list[ReceivedFile],
    changes: dict[str, object] | None = None,
) -> RecallAnswer:
    """An update from the sender (BussinessDocType 2, Đ21): its files, each checked like
    a new document's, become the next version of the document's files (the earlier kept,
    no longer current) and the changed header fields are applied, the old values kept in
    the audit trail; the handlers are told. Refused (16, nothing changed) when the
    document is unknown, recalled or replaced, or a file fails verification."""
    try:
        with transaction.atomic():
            return _apply_update(
                unit=unit,
                sender_id=sender_id,
                document_id=document_id,
                reason=reason,
                files=files,
                changes=changes or {},
            )
    except RefusedDocumentError as error:
        return RecallAnswer(False, error.message)


def _apply_update(
    *,
    unit: AdministrativeUnit,
    sender_id: str,
    document_id: str,
    reason: str,
    files: list[ReceivedFile],
    changes: dict[str, object],
) -> RecallAnswer:
    document = (
        IncomingDocument.objects.select_for_update()
        .filter(unit=unit, issuing_body_identifier=sender_id, exchange_document_id=document_id)
        .order_by("pk")
        .first()
    )
    refusal = _refusal(document, document_id)
    if refusal is not None:
        return refusal
    _check_all(files, unit)
    changed = {
        field: [getattr(document, field), value]
        for field, value in changes.items()
        if field in UPDATABLE_FIELDS
        and value not in ("", None)
        and getattr(document, field) != value
    }
    for field, (_old, value) in changed.items():
        setattr(document, field, value)
    version = 0
    if files:
        rows = list(document.received_files.all())
        if not rows and document.file:
            # Registered before versions were kept: its file becomes version 1.
            rows = [
                IncomingFile.objects.create(
                    document=document,
                    version=1,
                    name=document.file.name.rsplit("/", 1)[-1],
                    file=document.file.name,
                    content_type=document.content_type or "application/pdf",
                    sha256=document.sha256,
                    is_main=True,
                    verification=document.verification,
                )
            ]
        version = max((row.version for row in rows), default=0) + 1
        document.received_files.filter(is_current=True).update(is_current=False)
        [main, *_rest] = _add_files(document, files, version=version, reason=reason)
        document.file = main.file.name
        document.content_type = main.content_type
        document.sha256 = main.sha256
        document.verification = main.verification
    note = _("Cơ quan gửi cập nhật văn bản: %(reason)s") % {"reason": reason}
    document.note = note[:500]
    document.refresh_search_text()
    document.save()
    record_audit_event(
        action="documents.incoming_updated_by_sender",
        unit=unit,
        target=document,
        data={
            "document_id": document_id,
            "reason": reason,
            "version": version or None,
            "files": [item.name for item in files],
            # {field: [old, new]}: the values before the update stay readable here.
            "changes": {field: [str(old), str(new)] for field, (old, new) in changed.items()},
        },
    )
    _notify_handlers(document, reason)
    if version:
        return RecallAnswer(
            True,
            _("Đã cập nhật văn bản số đến %(number)s: nhận tệp lần %(version)s.")
            % {"number": document.arrival_number, "version": version},
        )
    return RecallAnswer(
        True, _("Đã cập nhật văn bản số đến %(number)s.") % {"number": document.arrival_number}
    )


@transaction.atomic
@official_language
def mark_replaced(
    *,
    unit: AdministrativeUnit,
    sender_id: str,
    document_id: str,
    replacement: IncomingDocument,
    reason: str,
) -> RecallAnswer:
    """The sender replaced `document_id` by the document just registered as
    `replacement` (BussinessDocType 3, Đ18): the old one is kept, marked replaced and
    linked to the new one, and its handling stops (frozen like a recalled one; one
    already handled to completion keeps its status)."""
    document = (
        IncomingDocument.objects.select_for_update()
        .filter(unit=unit, issuing_body_identifier=sender_id, exchange_document_id=document_id)
        .exclude(pk=replacement.pk)
        .order_by("pk")
        .first()
    )
    if document is None:
        return RecallAnswer(
            False, _("Không có văn bản %(id)s trong sổ văn bản đến.") % {"id": document_id}
        )
    if document.replaced_by_id is None:
        document.replaced_by = replacement
        document.replaced_at = timezone.now()
        if document.status != IncomingStatus.DONE:
            document.status = IncomingStatus.FILED
        document.note = (
            _("Bị thay thế bởi văn bản số đến %(number)s: %(reason)s")
            % {"number": replacement.arrival_number, "reason": reason}
        )[:500]
        document.save(update_fields=["replaced_by", "replaced_at", "status", "note"])
        record_audit_event(
            action="documents.incoming_replaced",
            unit=unit,
            target=document,
            data={
                "document_id": document_id,
                "replacement": replacement.exchange_document_id,
                "replacement_arrival_number": replacement.arrival_number,
                "reason": reason,
            },
        )
    return RecallAnswer(
        True,
        _("Văn bản số đến %(old)s được thay thế bởi văn bản số đến %(new)s.")
        % {"old": document.arrival_number, "new": replacement.arrival_number},
    )
