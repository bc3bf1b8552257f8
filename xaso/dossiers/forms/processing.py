"""Forms of the processing pages: input parsing only; the rules live in
xaso.dossiers.services.processing (and its allowed-transitions table)."""

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xaso.core.models import User
from xaso.dossiers.models import Dossier
from xaso.dossiers.models import DossierStep
from xaso.dossiers.models import Procedure
from xaso.dossiers.services import processing
from xaso.dossiers.services.processing import MAX_CONSULTATION_DAYS
from xaso.dossiers.services.processing import MAX_TRANSFER_DAYS

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on its field when the form has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field_name, messages in error.message_dict.items():
        form.add_error(field_name if field_name in form.fields else NON_FIELD_ERRORS, messages)


class ActionForm(forms.Form):
    """Every action form carries the step the official saw, so an action on a dossier
    that moved on meanwhile is refused instead of acting on the next step."""

    step = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, dossier: Dossier, actor: User, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.actor = actor
        self.fields["step"].initial = dossier.current_step_id

    prefix_name = ""


class ClaimForm(ActionForm):
    prefix_name = "claim"


class ForwardForm(ActionForm):
    prefix_name = "forward"
    note = forms.CharField(label=_("Ý kiến xử lý"), required=False, widget=TEXTAREA)


class ApproveForm(ActionForm):
    prefix_name = "approve"
    note = forms.CharField(label=_("Ý kiến phê duyệt"), required=False, widget=TEXTAREA)


class SendBackForm(ActionForm):
    prefix_name = "send_back"
    to_step = forms.ModelChoiceField(
        label=_("Trả về bước"), queryset=DossierStep.objects.none(), empty_label=None
    )
    reason = forms.CharField(label=_("Lý do trả lại"), widget=TEXTAREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        step = self.dossier.current_step
        targets = processing.send_back_targets(dossier=self.dossier, step=step) if step else []
        self.fields["to_step"].queryset = DossierStep.objects.filter(
            pk__in=[target.pk for target in targets]
        ).order_by("order")
        self.fields["to_step"].label_from_instance = lambda target: (
            f"{target.order}. {target.name} — {target.assignee or target.position or ''}"
        )


class SupplementForm(ActionForm):
    prefix_name = "supplement"
    items = forms.CharField(
        label=_("Giấy tờ, nội dung cần bổ sung"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một giấy tờ. Ghi đầy đủ một lần (Nghị định 61/2018/NĐ-CP)."),
    )
    reason = forms.CharField(label=_("Lý do"), widget=TEXTAREA)
    guidance = forms.CharField(label=_("Hướng dẫn"), required=False, widget=TEXTAREA)

    def clean_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class SupplementReceivedForm(ActionForm):
    prefix_name = "supplement_received"
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=TEXTAREA)


class RefuseForm(ActionForm):
    prefix_name = "refuse"
    reason = forms.CharField(label=_("Lý do từ chối giải quyết"), widget=TEXTAREA)


class ConsultForm(ActionForm):
    prefix_name = "consult"
    consulted = forms.ModelChoiceField(label=_("Xin ý kiến của"), queryset=User.objects.none())
    question = forms.CharField(label=_("Nội dung xin ý kiến"), widget=TEXTAREA)
    due_in_days = forms.IntegerField(
        label=_("Thời hạn trả lời (ngày làm việc)"),
        min_value=1,
        max_value=MAX_CONSULTATION_DAYS,
        initial=2,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consulted"].queryset = processing.consultable_officials(
            dossier=self.dossier, actor=self.actor
        )


class ConsultationAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Ý kiến trả lời"), widget=TEXTAREA)

    def __init__(self, *args: Any, consultation_pk: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"answer-{consultation_pk}")
        super().__init__(*args, **kwargs)


class TransferForm(ActionForm):
    prefix_name = "transfer"
    agency_name = forms.CharField(label=_("Cơ quan nhận hồ sơ"), max_length=300)
    agency_identifier = forms.CharField(
        label=_("Mã định danh cơ quan nhận"), max_length=35, required=False
    )
    due_in_days = forms.IntegerField(
        label=_("Thời hạn cơ quan cấp trên trả kết quả (ngày làm việc)"),
        min_value=1,
        max_value=MAX_TRANSFER_DAYS,
    )
    note = forms.CharField(label=_("Nội dung chuyển"), required=False, widget=TEXTAREA)


class TransferReturnForm(ActionForm):
    prefix_name = "transfer_return"
    return_note = forms.CharField(label=_("Kết quả nhận lại"), widget=TEXTAREA)


class ExtendForm(ActionForm):
    prefix_name = "extend"
    reason = forms.CharField(label=_("Lý do chậm trả kết quả"), widget=TEXTAREA)
    new_due_on = forms.DateField(
        label=_("Ngày hẹn trả mới"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


class StopForm(ActionForm):
    prefix_name = "stop"
    reason = forms.CharField(label=_("Lý do dừng giải quyết"), widget=TEXTAREA)
    requested_by_applicant = forms.BooleanField(
        label=_("Theo đề nghị của người nộp hồ sơ"), required=False, initial=True
    )
    financial_settlement = forms.CharField(
        label=_("Xử lý phí, lệ phí đã nộp"), required=False, widget=TEXTAREA
    )


class WithdrawForm(ActionForm):
    prefix_name = "withdraw"
    reason = forms.CharField(label=_("Nội dung đề nghị rút hồ sơ"), widget=TEXTAREA)


class DossierFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo mã hồ sơ, tên người nộp"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *Dossier.Status.choices],
    )
    procedure = forms.ModelChoiceField(
        label=_("Thủ tục"), required=False, queryset=Procedure.objects.none()
    )
    received_from = forms.DateField(
        label=_("Tiếp nhận từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    received_to = forms.DateField(
        label=_("đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = Procedure.objects.readable_by(user).order_by("name")
