"""The result of a higher authority coming back to the receiving one-stop (ND 61/2018
Đ19.7: "cơ quan cấp trên trả kết quả cho Bộ phận Một cửa nơi tiếp nhận"): the transfer is
closed and the higher authority's result becomes the dossier's result, ready to be returned
at the desk. The commune does not decide again, so the remaining processing steps are not
walked; the return step starts.

Called by the electronic exchange (xaso.interop) when the one-stop officer takes in a result
received over the network; the one-stop app itself never imports that app.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.i18n import official
from xaso.core.models import User
from xaso.dossiers import notifications
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierStep
from xaso.dossiers.models import Result
from xaso.dossiers.models import Transfer
from xaso.dossiers.services import processing
from xaso.dossiers.workflow import Action
from xaso.dossiers.workflow import StepKind
from xaso.dossiers.workflow import TransitionNotAllowedError

Status = Dossier.Status


def record_transfer_result(
    *,
    actor: User,
    dossier: Dossier,
    transfer: Transfer,
    number: str,
    issued_on: datetime.date,
    signer_name: str,
    summary: str,
    file_name: str,
    file_data: bytes,
) -> Result:
    """Close `transfer` with the higher authority's result and make it the dossier's result
    (status: result ready, the return step active). Refused (WorkflowError,
    ValidationError) unless the dossier waits for exactly this transfer; nothing changes then.
    """
    number, signer_name = number.strip(), signer_name.strip()
    if not number or not signer_name:
        raise ValidationError(_("Kết quả nhận về thiếu số, ký hiệu hoặc người ký."))
    created: list[Result] = []

    def change(
        locked: Dossier, step: DossierStep | None, now: datetime.datetime
    ) -> processing.Change:
        open_transfer = (
            Transfer.objects.select_for_update()
            .filter(dossier=locked, returned_at__isnull=True)
            .order_by("-sent_at")
            .first()
        )
        if open_transfer is None or open_transfer.pk != transfer.pk:
            raise TransitionNotAllowedError(
                _("Hồ sơ không chờ kết quả của lần chuyển liên thông này.")
            )
        open_transfer.returned_at = now
        # Stored notes (transfer, dossier history): Vietnamese, see xaso/core/i18n.py.
        open_transfer.return_note = official(
            gettext_lazy("Kết quả số %(number)s của %(agency)s"),
            {"number": number, "agency": open_transfer.agency_name},
        )
        open_transfer.save(update_fields=["returned_at", "return_note"])
        cal = processing._calendar(locked)
        if step is not None and step.status == DossierStep.Status.ACTIVE:
            processing._finish_step(step, actor=actor, now=now, cal=cal)
        following = (
            locked.steps.filter(kind=StepKind.RETURN, status=DossierStep.Status.PENDING)
            .order_by("order", "id")
            .first()
        )
        if following is not None:
            processing._start_step(following, now=now, cal=cal)
        result = Result.objects.filter(dossier=locked).first() or Result(
            dossier=locked, recorded_at=now, recorded_by=actor
        )
        result.kind = Result.Kind.GRANTED
        result.number = number
        result.issued_on = issued_on
        result.signer_name = signer_name
        result.summary = summary.strip()
        result.recorded_at = now
        result.recorded_by = actor
        result.file.save(file_name, ContentFile(file_data), save=False)
        result.save()
        created.append(result)
        status = processing._enter(locked, following, now=now)
        return processing.Change(
            to_status=status,
            step=step,
            notify=notifications.RESULT_READY if status == Status.RESULT_READY else "",
            data={"transfer": open_transfer.pk, "result_number": number, "electronic": True},
        )

    processing.transition_dossier(
        actor=actor,
        dossier=dossier,
        action=Action.RECORD_TRANSFER_RETURN,
        change=change,
        note=official(
            gettext_lazy("Nhận kết quả liên thông điện tử số %(number)s"), {"number": number}
        ),
    )
    return created[0]
