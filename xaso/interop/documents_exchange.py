"""Outgoing and incoming văn bản over edXML (QCVN 102:2016): the glue between the documents
app and the exchange (ND 30/2020 Đ14, Đ18.4, Đ21).

Registered from InteropConfig.ready():
- before numbering, every external recipient must be a peer of the unit (else a clear
  message and nothing changes);
- when a digitally signed document is released, one package (signed PDF + signed
  attachments, header from documents.exchange) is built and XML-signed with the
  organisation's key in the release transaction and goes to the outbox per recipient; each
  recipient's status is tracked on the document (queued → 01/03/02…, refused, failed);
- a released replacement (Đ18) goes out as BussinessDocType 3 with ReplacementInfo naming
  the replaced document's DocumentId;
- a document package received is verified and registered at once (03), refused (02) when
  a PDF's signatures fail or a zipped attachment is hostile (each PDF of a ZIP becomes a
  file of the document); recall (1) answers 15/16; an update (2) applies its files as the
  next version and its header fields, 15, or 16 with the reason and nothing changed; a
  replacement (3) is registered as a new document and the replaced one frozen and linked;
  status packages update the recipients' statuses.

Not sent: updates (2) of our own documents, since the documents app has no way to amend a
released document other than replacing it.
"""

import logging
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.audit import record_audit_event
from xaso.core.exceptions import DomainError
from xaso.core.i18n import official_language
from xaso.core.models import User
from xaso.documents import exchange
from xaso.documents.doctypes import DocumentType
from xaso.documents.models import EDXML_PRIORITY
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument
from xaso.documents.models import Urgency
from xaso.documents.services import received
from xaso.documents.services.incoming import IncomingData
from xaso.documents.services.outgoing import place_name
from xaso.interop import conf
from xaso.interop import handlers
from xaso.interop import services
from xaso.interop import zipped
from xaso.interop.edxml import EdxmlError
from xaso.interop.edxml import sign_package
from xaso.interop.edxml import types as t
from xaso.interop.edxml.rules import VIETNAM
from xaso.interop.models import InboundPackage
from xaso.interop.models import OutboundPackage
from xaso.interop.models import PackageKind
from xaso.interop.models import Peer
from xaso.signatures import services as signatures

logger = logging.getLogger(__name__)

URGENCY_FOR_PRIORITY = {value: key for key, value in EDXML_PRIORITY.items()}
URGENCY_FOR_PRIORITY[4] = Urgency.FLASH  # hỏa tốc hẹn giờ
QUEUED = "queued"


# --- sending ---------------------------------------------------------------------------------


def check_recipients(document: OutgoingDocument) -> None:
    """Refuse the release when a recipient with an agency identifier has no exchange set up."""
    wanted = [item.organ_id for item in document.external_recipients.all() if item.organ_id]
    if not wanted:
        return
    known = set(
        Peer.objects.for_unit(document.unit)
        .filter(organ_id__in=wanted, is_active=True)
        .exclude(endpoint_url="")
        .values_list("organ_id", flat=True)
    )
    missing = [organ_id for organ_id in wanted if organ_id not in known]
    if missing:
        raise DomainError(
            _(
                "Chưa thiết lập liên thông văn bản điện tử với: %(organs)s. Hãy nhờ quản trị "
                "thêm cơ quan nhận (địa chỉ và mã truy cập) hoặc sửa nơi nhận trước khi phát hành."
            )
            % {"organs": ", ".join(missing)},
            code="unknown_recipient",
        )


def build_document_package(document: OutgoingDocument) -> t.Package:
    header = exchange.message_header(document)
    files = exchange.files_to_send(document)
    now = timezone.now().astimezone(VIETNAM).replace(microsecond=0)
    other = header["OtherInfo"]
    return t.Package(
        header=t.MessageHeader(
            from_=t.Organization(
                organ_id=header["From"]["OrganId"], organ_name=header["From"]["OrganName"][:200]
            ),
            to=[
                t.Organization(organ_id=item["OrganId"], organ_name=item["OrganName"][:200])
                for item in header["To"]
            ],
            code=t.Code(
                number=header["Code"]["CodeNumber"], notation=header["Code"]["CodeNotation"]
            ),
            promulgation_info=t.PromulgationInfo(
                date=header["PromulgationInfo"]["PromulgationDate"],
                place=place_name(document.unit)[:50],
            ),
            document_type=t.DocumentType(type=1, type_name=header["DocumentType"]["TypeName"]),
            subject=header["Subject"],
            signer_info=t.SignerInfo(
                competence=header["SignerInfo"]["Competence"],
                position=header["SignerInfo"]["Position"][:100],
                full_name=header["SignerInfo"]["FullName"][:50],
            ),
            to_places=[place[:150] for place in header["ToPlaces"]],
            other_info=t.OtherInfo(
                priority=t.Priority(other["Priority"]),
                promulgation_amount=other["PromulgationAmount"],
            ),
            document_id=header["DocumentId"],
        ),
        trace_headers=[t.TraceHeader(organ_id=header["From"]["OrganId"], timestamp=now)],
        business=_business(document, to=[item["OrganId"] for item in header["To"]]),
        attachments=[
            t.Attachment(
                content_id=str(uuid.uuid4()), name=name, content_type=content_type, data=data
            )
            for name, content_type, data in files
        ],
    )


def _business(document: OutgoingDocument, *, to: list[str]) -> t.Business:
    """New (0), or a replacement (3, Đ18) naming the document it replaces in
    ReplacementInfo when that one was released with a DocumentId of its own."""
    replaced = document.replaces
    replaced_id = exchange.document_id(replaced) if replaced is not None else ""
    if not replaced_id:
        return t.Business()
    return t.Business(
        doc_type=t.BusinessDocType.REPLACE,
        reason=(
            _("Thay thế văn bản số %(code)s ngày %(date)s.")
            % {"code": replaced.number_notation, "date": f"{replaced.issued_on:%d/%m/%Y}"}
        )[:500],
        document_id=replaced_id,
        replacements=[t.ReplacementInfo(document_id=replaced_id, organ_ids=to)],
    )


def sign_and_queue(document: OutgoingDocument, *, key: Any, actor: User) -> None:
    """Inside the release transaction, with the organisation's key the văn thư gave: build
    the package once, sign it (XML signature, documents.md §9.6; a token key signs on the
    token) and queue the signed bytes for each recipient; the outbox job sends them
    unchanged after the commit.

    A refused key raises SigningError and undoes the release. A package the strict rules
    refuse (e.g. a field too long for QCVN 102) does not hold up the release: those
    recipients are marked failed with the reason, as before."""
    pending = list(exchange.pending_exchange(unit_id=document.unit_id).filter(document=document))
    if not pending or not exchange.files_to_send(document):
        return
    package = build_document_package(document)
    with signatures.open_xml_signing_key(key, actor=actor) as xml_key:

        def sign(data: bytes) -> bytes:
            try:
                return sign_package(
                    data,
                    key=xml_key.private_key,
                    certificate=xml_key.certificate,
                    chain=xml_key.chain,
                    algorithm=conf.signature_algorithm(),
                )
            except EdxmlError as error:
                raise DomainError(" ".join(error.messages), code="xml_signing_failed") from error

        try:
            outbound = services.send_document(
                unit=document.unit, package=package, actor=actor, sign=sign
            )
        except ValidationError as error:
            logger.warning("edXML for %s not queued: %s", document.number_notation, error.messages)
            for item in pending:
                exchange.set_recipient_status(
                    document=document,
                    organ_id=item.organ_id,
                    status="failed",
                    note=" ".join(error.messages)[:500],
                )
            return
    signer = xml_key.certificate.subject.rfc4514_string()[:500]
    OutboundPackage.objects.filter(pk__in=[row.pk for row in outbound]).update(
        signer=signer, signer_name=xml_key.signer_name[:200]
    )
    record_audit_event(
        action="interop.package_signed",
        actor=actor,
        unit=document.unit,
        target=document,
        data={
            "document_id": outbound[0].document_id if outbound else "",
            "signer": signer,
            "sha256": outbound[0].sha256 if outbound else "",
            "to": [row.peer.organ_id for row in outbound],
        },
    )
    for row in outbound:
        exchange.set_recipient_status(document=document, organ_id=row.peer.organ_id, status=QUEUED)


def outgoing_signatures(document: OutgoingDocument) -> dict[str, exchange.PackageSignature]:
    """{recipient OrganId: signer} of the signed packages of `document` (its own unit's)."""
    document_id = exchange.document_id(document)
    if not document_id:
        return {}
    rows = (
        OutboundPackage.objects.for_unit(document.unit)
        .filter(kind=PackageKind.DOCUMENT, document_id=document_id)
        .exclude(signer_name="")
        .select_related("peer")
        .order_by("created_at")
    )
    return {
        row.peer.organ_id: exchange.PackageSignature(signer_name=row.signer_name) for row in rows
    }


def incoming_signature(document: IncomingDocument) -> exchange.PackageSignature | None:
    """Who signed the package `document` was registered from (the first one received)."""
    if not document.exchange_document_id:
        return None
    inbound = (
        InboundPackage.objects.for_unit(document.unit)
        .filter(
            kind=PackageKind.DOCUMENT,
            document_id=document.exchange_document_id,
            sender_organ_id=document.issuing_body_identifier,
        )
        .exclude(signer="")
        .order_by("received_at")
        .first()
    )
    if inbound is None:
        return None
    return exchange.PackageSignature(
        signer_name=inbound.signer_name or inbound.signer, trusted=inbound.signer_trusted
    )


def record_delivery(outbound: OutboundPackage) -> None:
    """The outbox finished with a package: delivered (the answer code, if any, arrives
    through the status handler), refused or given up."""
    if outbound.kind != PackageKind.DOCUMENT:
        return
    document = exchange.find_outgoing(unit_id=outbound.unit_id, document_id=outbound.document_id)
    if document is None:
        return
    if outbound.status == OutboundPackage.Status.DELIVERED:
        if not outbound.answer_code:
            exchange.set_recipient_status(
                document=document, organ_id=outbound.peer.organ_id, status="01"
            )
        return
    exchange.set_recipient_status(
        document=document,
        organ_id=outbound.peer.organ_id,
        # Refused by the peer with 02 (e.g. a signature that does not verify), or our
        # outbox's own state.
        status=outbound.answer_code or str(outbound.status),
        note=outbound.last_error,
    )


def record_recipient_status(received_status: handlers.ReceivedStatus) -> None:
    """A status about one of our documents (answer to the delivery, or a later package)."""
    status = received_status.status
    source = received_status.inbound or received_status.outbound
    document = exchange.find_outgoing(
        unit_id=source.unit_id, document_id=status.response_for.document_id
    )
    if document is None:
        return
    exchange.set_recipient_status(
        document=document,
        organ_id=status.from_.organ_id,
        status=status.status_code.value,
        note=status.description,
    )


# --- receiving -------------------------------------------------------------------------------


def _doc_type(type_name: str) -> str:
    wanted = type_name.strip().casefold()
    for value, label in DocumentType.choices:
        if str(label).split(" (")[0].casefold() == wanted:
            return value
    return DocumentType.CONG_VAN


def _incoming_data(package: t.Package) -> IncomingData:
    header = package.header
    return IncomingData(
        medium="electronic",
        issuing_body=(header.from_.organ_name or header.from_.organ_id)[:200],
        issuing_body_identifier=header.from_.organ_id,
        code_number=header.code.number[:11],
        code_notation=header.code.notation[:30],
        document_date=header.promulgation_info.date,
        doc_type=_doc_type(header.document_type.type_name),
        subject=header.subject[:500],
        signer_name=header.signer_info.full_name[:50],
        urgency=URGENCY_FOR_PRIORITY.get(int(header.other_info.priority), Urgency.NORMAL),
    )


def _is_pdf(name: str, content_type: str) -> bool:
    return content_type == "application/pdf" or name.lower().endswith(".pdf")


def _received_files(package: t.Package) -> list[received.ReceivedFile]:
    """The PDFs the package carries, in order; a zipped attachment (some senders zip the
    files before base64, documents.md §9.2) is unpacked within limits, each PDF inside
    becoming a file of its own. A hostile or damaged archive raises ZipRefusedError."""
    files = []
    for attachment in package.attachments:
        if zipped.is_zip(attachment):
            files.extend(
                received.ReceivedFile(
                    name=entry.name, content_type="application/pdf", data=entry.data
                )
                for entry in zipped.unpack(attachment)
                if _is_pdf(entry.name, "")
            )
        elif _is_pdf(attachment.name, attachment.content_type):
            files.append(
                received.ReceivedFile(
                    name=attachment.name, content_type="application/pdf", data=attachment.data
                )
            )
    return files


def _refused(message: str) -> handlers.Outcome:
    return handlers.Outcome(status_code=t.StatusCode.REJECTED, description=message[:500])


def _update(received_document: handlers.ReceivedDocument) -> handlers.Outcome:
    """BussinessDocType 2: the new files and header fields applied (15), or 16 with why."""
    package = received_document.package
    business = package.business
    try:
        files = _received_files(package)
    except zipped.ZipRefusedError as error:
        return _answer(received.RecallAnswer(False, error.message))
    info = business.document_info
    changes = {}
    if info is None or info.document_info:
        data = _incoming_data(package)
        changes = {field: getattr(data, field) for field in received.UPDATABLE_FIELDS}
    answer = received.apply_update(
        unit=received_document.inbound.unit,
        sender_id=package.header.from_.organ_id,
        document_id=business.document_id,
        reason=business.reason,
        files=files,
        changes=changes,
    )
    return _answer(answer)


@official_language
def register_incoming(received_document: handlers.ReceivedDocument) -> handlers.Outcome | None:
    """Document handler: new documents are registered (03) or refused (02); recall and
    update are answered 15/16; a replacement is registered as a new document and the one
    it replaces is marked replaced. A package without a PDF is left at 01 for the văn thư
    (nothing to verify or register automatically)."""
    package = received_document.package
    unit = received_document.inbound.unit
    sender = package.header.from_.organ_id
    business = package.business
    kind = business.doc_type
    if kind == t.BusinessDocType.RECALL:
        answer = received.recall_received(
            unit=unit, sender_id=sender, document_id=business.document_id, reason=business.reason
        )
        return _answer(answer)
    if kind == t.BusinessDocType.UPDATE:
        return _update(received_document)
    try:
        files = _received_files(package)
    except zipped.ZipRefusedError as error:
        return _refused(error.message)
    if not files:
        return None
    main, *others = files
    arrived_at = received_document.inbound.received_at
    try:
        document, _created = received.register_received(
            unit=unit,
            data=_incoming_data(package),
            main_file=main,
            other_files=others,
            document_id=package.header.document_id,
            arrived_at=arrived_at,
        )
    except (received.RefusedDocumentError, ValidationError) as error:
        message = error.message if isinstance(error, DomainError) else " ".join(error.messages)
        return _refused(message)
    description = _("Đã vào sổ văn bản đến số %(number)s/%(year)s.") % {
        "number": document.arrival_number,
        "year": document.arrival_year,
    }
    if kind == t.BusinessDocType.REPLACE:
        replaced_ids = [item.document_id for item in business.replacements] or [
            business.document_id
        ]
        for replaced_id in dict.fromkeys(replaced_ids):
            answer = received.mark_replaced(
                unit=unit,
                sender_id=sender,
                document_id=replaced_id,
                replacement=document,
                reason=business.reason,
            )
            description = f"{description} {answer.description}"
    return handlers.Outcome(status_code=t.StatusCode.ACCEPTED, description=description[:500])


def _answer(answer: received.RecallAnswer) -> handlers.Outcome:
    code = t.StatusCode.RECALL_AGREED if answer.agreed else t.StatusCode.RECALL_REFUSED
    return handlers.Outcome(status_code=code, description=answer.description[:500])


def register() -> None:
    """Plug this module into the documents app and the interop handlers (idempotent)."""
    exchange.on_check_recipients(check_recipients)
    exchange.on_release_signing(sign_and_queue)
    exchange.on_package_signatures(outgoing=outgoing_signatures, incoming=incoming_signature)
    handlers.on_document_received(register_incoming)
    handlers.on_status_received(record_recipient_status)
    handlers.on_delivery_finished(record_delivery)
