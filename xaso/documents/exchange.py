"""What the exchange layer (edXML, QCVN 102:2016; issue 6) needs from a released document.

The documents app does not build packages: it exposes the released documents still to be
sent to external agencies by identifier, and their message-header data in the names of
QCVN 102 (documents.md §9.3), so the interop app can send them and record the status on
each ExternalRecipient (BussinessDocType 0 new; recall = 1 and replacement = 3 are read
from the document's status and `replaces`).
"""

from typing import Any

from django.db.models import QuerySet

from xaso.documents.models import EDXML_PRIORITY
from xaso.documents.models import ExternalRecipient
from xaso.documents.models import OutgoingDocument
from xaso.documents.services.outgoing import unit_title


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
