"""One-stop results in the văn thư's queue of files waiting for the organisation's
signature (xaso.signatures.seal_queue; imported by DossiersConfig.ready())."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.models import User
from xaso.dossiers.services import result_signing
from xaso.signatures.seal_queue import PendingSeal
from xaso.signatures.seal_queue import register_seal_source


def pending_results(actor: User) -> list[PendingSeal]:
    items = []
    for result in result_signing.results_awaiting_seal(actor):
        dossier = result.dossier
        what = _("Số %(number)s: %(summary)s — thủ tục %(procedure)s") % {
            "number": result.number or "—",
            "summary": result.summary or result.get_kind_display(),
            "procedure": dossier.procedure.name,
        }
        items.append(
            PendingSeal(
                key=f"result-{dossier.pk}",
                kind=gettext_lazy("Kết quả giải quyết hồ sơ"),
                reference=dossier.code,
                what=what,
                signed_by=result.signed_by.full_name or result.signed_by.username,
                signed_at=result.signed_at,
                pdf_url=reverse("dossiers:result_signed_pdf", args=[dossier.pk]),
                seal_url=reverse("dossiers:result_seal", args=[dossier.pk]),
            )
        )
    return items


register_seal_source("dossiers.result", pending_results)
