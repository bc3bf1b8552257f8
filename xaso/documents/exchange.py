"""What the exchange layer (edXML, QCVN 102:2016; issue 6) needs from a released document.

The documents app does not build packages: it exposes the released documents still to be
sent to external agencies by identifier, and their message-header data in the names of
QCVN 102 (documents.md §9.3), so the interop app can send them and record the status on
each ExternalRecipient (BussinessDocType 0 new; recall = 1 and replacement = 3 are read
from the document's status and `replaces`).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from xaso.core.audit import record_audit_event
from xaso.core.i18n import official_language
from xaso.core.models import User
from xaso.documents.models import EDXML_PRIORITY
from xaso.documents.models import ExternalRecipient
from xaso.documents.models import IncomingDocument
from xaso.documents.models import OutgoingDocument
from xaso.documents.services.outgoing import unit_title
from xaso.documents.services.signing import released_files

# Extension points the exchange layer plugs into (from its AppConfig.ready; the documents
# app never imports it): a check run before numbering (e.g. every recipient has an
# exchange address) that raises DomainError to refuse, a signer called inside the release
# transaction with the organisation's key (it signs and queues the packages; raising
# DomainError undoes the release), and providers of who signed the packages (pages).
_recipient_checks: list[Callable[[OutgoingDocument], None]] = []
_release_signers: list[Callable[..., None]] = []
_outgoing_signature_providers: list[
    Callable[[OutgoingDocument], dict[str, "PackageSignature"]]
] = []
_incoming_signature_providers: list[Callable[[IncomingDocument], "PackageSignature | None"]] = []


@dataclass(frozen=True)
class PackageSignature:
    """Who signed an exchanged package (XML signature): the certificate's name and, for a
    package received, whether it chains to the unit's trust anchors (None: not checked)."""

    signer_name: str
    trusted: bool | None = None


def on_check_recipients(check: Callable[[OutgoingDocument], None]) -> None:
    if check not in _recipient_checks:
        _recipient_checks.append(check)


def on_release_signing(signer: Callable[..., None]) -> None:
    """`signer(document, key=, actor=)`: called inside the release transaction."""
    if signer not in _release_signers:
        _release_signers.append(signer)


def on_package_signatures(
    *,
    outgoing: Callable[[OutgoingDocument], dict[str, PackageSignature]],
    incoming: Callable[[IncomingDocument], PackageSignature | None],
) -> None:
    if outgoing not in _outgoing_signature_providers:
        _outgoing_signature_providers.append(outgoing)
    if incoming not in _incoming_signature_providers:
        _incoming_signature_providers.append(incoming)


def check_recipients(document: OutgoingDocument) -> None:
    for check in _recipient_checks:
        check(document)


def sign_release(document: OutgoingDocument, *, key: Any, actor: User) -> None:
    """The document was numbered and signed with `key` (signatures.Pkcs12Key/TokenKey);
    still inside the transaction, so a refusal here leaves nothing numbered."""
    for signer in _release_signers:
        signer(document, key=key, actor=actor)


def outgoing_package_signatures(document: OutgoingDocument) -> dict[str, PackageSignature]:
    """{recipient OrganId: who signed the package sent to it} (signed packages only)."""
    result: dict[str, PackageSignature] = {}
    for provider in _outgoing_signature_providers:
        result.update(provider(document))
    return result


def incoming_package_signature(document: IncomingDocument) -> PackageSignature | None:
    """Who signed the package `document` arrived in, or None (not received electronically,
    or not signed)."""
    for provider in _incoming_signature_providers:
        found = provider(document)
        if found is not None:
            return found
    return None


def files_to_send(document: OutgoingDocument) -> list[tuple[str, str, bytes]]:
    """(name, content type, bytes) of the signed original and signed attachments."""
    result = []
    for item in released_files(document):
        with item.file.open("rb") as handle:
            result.append((item.name, item.content_type, handle.read()))
    return result


def find_outgoing(*, unit_id: int, document_id: str) -> OutgoingDocument | None:
    """Our released document named by a QCVN 102 DocumentId, or None."""
    parts = document_id.split(",")
    if len(parts) != 3 or "/" not in parts[2]:
        return None
    _organ_id, date_text, code = parts
    number, notation = code.split("/", 1)
    try:
        issued_on = datetime.datetime.strptime(date_text, "%Y/%m/%d").date()  # noqa: DTZ007
        number_value = int(number)
    except ValueError:
        return None
    candidates = OutgoingDocument.objects.filter(
        unit_id=unit_id, issued_on=issued_on, number=number_value, notation=notation
    ).select_related("unit")
    return next((doc for doc in candidates if _document_id_of(doc) == document_id), None)


@transaction.atomic
def set_recipient_status(
    *, document: OutgoingDocument, organ_id: str, status: str, note: str = ""
) -> int:
    """Record what became of the document at recipient `organ_id` (outbox state or the
    receiver's status code); returns the rows updated."""
    updated = ExternalRecipient.objects.filter(document=document, organ_id=organ_id).update(
        exchange_status=status[:40], exchange_note=note[:500], exchange_updated_at=timezone.now()
    )
    if updated:
        record_audit_event(
            action="documents.exchange_status",
            unit=document.unit,
            target=document,
            data={"organ_id": organ_id, "status": status, "note": note[:500]},
        )
    return updated


def pending_exchange(*, unit_id: int) -> QuerySet[ExternalRecipient]:
    """External recipients with an agency identifier of released documents not sent yet."""
    return (
        ExternalRecipient.objects.filter(
            document__unit_id=unit_id,
            document__status=OutgoingDocument.Status.RELEASED,
            exchange_status="",
        )
        .exclude(organ_id="")
        .select_related("document", "document__unit", "document__signer")
    )


def document_id(document: OutgoingDocument) -> str:
    """`{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}` (QCVN 102, §9.3), or ""."""
    if document.number is None or document.issued_on is None:
        return ""
    organ_id = document.unit.agency_identifier_on(document.issued_on)
    if not organ_id:
        return ""
    return f"{organ_id},{document.issued_on:%Y/%m/%d},{document.number_notation}"


# Sent to the receiving agency (the type name): in Vietnamese, see xaso/core/i18n.py.
@official_language
def message_header(document: OutgoingDocument) -> dict[str, Any]:
    """The MessageHeader fields of a released document (names as in QCVN 102)."""
    if document.number is None or document.issued_on is None:
        raise ValueError("Only a released (numbered) document can be exchanged.")
    unit = document.unit
    title = unit_title(unit)
    return {
        "From": {
            "OrganId": unit.agency_identifier_on(document.issued_on),
            "OrganName": f"Ủy ban nhân dân {title[:1].lower()}{title[1:]}",
        },
        "To": [
            {"OrganId": item.organ_id, "OrganName": item.organ_name}
            for item in document.external_recipients.all()
            if item.organ_id
        ],
        "Code": {"CodeNumber": f"{document.number:02d}", "CodeNotation": document.notation},
        "PromulgationInfo": {"PromulgationDate": document.issued_on},
        "DocumentType": {"TypeName": document.get_doc_type_display().split(" (")[0]},
        "Subject": document.subject,
        "SignerInfo": {
            "Competence": document.signer_competence,
            "Position": document.signer_title,
            "FullName": document.signer.full_name if document.signer else "",
        },
        "ToPlaces": [
            line.strip() for line in document.recipients_text.splitlines() if line.strip()
        ],
        "OtherInfo": {
            "Priority": EDXML_PRIORITY[document.urgency],
            "PromulgationAmount": document.copies,
        },
        "ResponseFor": [],
        "DocumentId": document_id(document),
    }


_document_id_of = document_id
