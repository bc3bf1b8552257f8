"""Civil-status certificates and extract copies in the văn thư's queue of files waiting for
the organisation's signature (xaso.signatures.seal_queue; imported by
CivilRegistryConfig.ready())."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from xaso.civil_registry import signing
from xaso.core.models import User
from xaso.signatures.seal_queue import PendingSeal
from xaso.signatures.seal_queue import register_seal_source


def pending_civil_documents(actor: User) -> list[PendingSeal]:
    items = []
    for document in signing.awaiting_seal(actor):
        if document.entry_id is not None:
            target, entry, route = document.entry, document.entry, "certificate"
        else:
            target, entry, route = document.extract_copy, document.extract_copy.entry, "extract"
        dossier = target.dossier
        items.append(
            PendingSeal(
                key=f"civil-{document.pk}",
                kind=gettext_lazy("Giấy tờ hộ tịch"),
                reference=dossier.code if dossier is not None else str(entry),
                what=f"{signing.describe(target)} — {entry}",
                signed_by=document.signed_by.full_name or document.signed_by.username,
                signed_at=document.signed_at,
                pdf_url=reverse(f"civil_registry:{route}_signed_pdf", args=[target.pk]),
                seal_url=reverse(f"civil_registry:{route}_seal", args=[target.pk]),
            )
        )
    return items


register_seal_source("civil_registry.document", pending_civil_documents)
