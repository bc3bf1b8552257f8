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

The notes stored here and the descriptions sent back to the sending agency are official
texts: Vietnamese whatever language the official who fetched the package uses
(@official_language, xaso/core/i18n.py).
"""

import datetime
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
from xaso.documents.models import IncomingDocument
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


@transaction.atomic
@official_language
def register_received(
    *,
    unit: AdministrativeUnit,
    data: IncomingData,
    main_file: ReceivedFile,
    document_id: str,
    arrived_at: datetime.datetime | None = None,
) -> tuple[IncomingDocument, bool]:
    """(document, created): check the PDF's signatures and register it; a package for a
    document already registered (redelivery) returns the existing line."""
    existing = find_received(
        unit=unit, sender_id=data.issuing_body_identifier, document_id=document_id
    )
    if existing is not None:
        return existing, False
    try:
        report = signatures.verify_pdf(main_file.data, unit=unit)
    except signatures.PdfRejectedError as error:
        raise RefusedDocumentError(error.message) from error
    if not report.signed:
        raise RefusedDocumentError(
            _("Tệp văn bản %(name)s không có chữ ký số (ND 30/2020 Điều 5).")
            % {"name": main_file.name}
        )
    if not report.ok:
        reasons = sorted(
            {problem for signature in report.signatures for problem in signature.problems}
        )
        raise RefusedDocumentError(
            _("Chữ ký số của tệp %(name)s không hợp lệ: %(reasons)s")
            % {"name": main_file.name, "reasons": " ".join(reasons)}
        )
    verification = signatures.record_verification(
        actor=None,
        unit=unit,
        pdf_bytes=main_file.data,
        filename=main_file.name,
        source=VerificationRecord.Source.RECEIVED,
    )
    stem = slugify(main_file.name.rsplit(".", 1)[0])[:60] or "van-ban"
    name = default_storage.save(
        f"documents/incoming/{timezone.localdate():%Y}/{stem}.pdf", ContentFile(main_file.data)
    )
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


@transaction.atomic
@official_language
def record_update(
    *, unit: AdministrativeUnit, sender_id: str, document_id: str, kind: str, reason: str
) -> RecallAnswer:
    """An update (2) or replacement (3) announced by the sender (Đ21): recorded in the
    document's progress for the handlers to see."""
    document = find_received(unit=unit, sender_id=sender_id, document_id=document_id)
    if document is None:
        return RecallAnswer(
            False, _("Không có văn bản %(id)s trong sổ văn bản đến.") % {"id": document_id}
        )
    note = _("Cơ quan gửi %(kind)s văn bản: %(reason)s") % {"kind": kind, "reason": reason}
    document.note = note[:500]
    document.save(update_fields=["note"])
    record_audit_event(
        action="documents.incoming_updated_by_sender",
        unit=unit,
        target=document,
        data={"document_id": document_id, "kind": kind, "reason": reason},
    )
    return RecallAnswer(True, _("Đã ghi nhận: %(note)s") % {"note": note[:300]})
