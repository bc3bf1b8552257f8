"""Forms of the reception desk (input parsing only; rules live in services/reception.py).

The checklist has one group of fields per required document of the chosen procedure:
`doc_<id>_received` (ticked when the applicant brought it), `doc_<id>_kind` (original
or copy), `doc_<id>_quantity` and `doc_<id>_file` (the scan, checked by
xaso.dossiers.uploads from its content).
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.applicants import cccd
from xaso.applicants.models import Applicant
from xaso.applicants.services import ApplicantData
from xaso.dossiers import extensions
from xaso.dossiers.models import Channel
from xaso.dossiers.models import DeliveryMethod
from xaso.dossiers.models import Procedure
from xaso.dossiers.models import RequiredDocument
from xaso.dossiers.services.reception import ReceivedDocument
from xaso.dossiers.uploads import CheckedUpload
from xaso.dossiers.uploads import check_upload

ORIGINAL = "original"
COPY = "copy"
KIND_CHOICES = [(ORIGINAL, gettext_lazy("Bản chính")), (COPY, gettext_lazy("Bản sao"))]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
APPLICANT_PREFIX = "applicant"


class ProcedurePickForm(forms.Form):
    """Step 1 (GET): find and choose the procedure."""

    q = forms.CharField(
        label=gettext_lazy("Tìm thủ tục (tên hoặc mã)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class ReceptionApplicantForm(forms.ModelForm):
    """A new applicant entered at the desk (prefix "applicant")."""

    class Meta:
        model = Applicant
        fields = [
            "kind",
            "full_name",
            "id_number",
            "date_of_birth",
            "sex",
            "address",
            "phone",
            "email",
            "old_id_number",
            "id_issued_on",
        ]
        widgets = {
            "date_of_birth": DATE_INPUT,
            "id_issued_on": DATE_INPUT,
            "id_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        error_messages = {
            "full_name": {"required": gettext_lazy("Hãy nhập họ và tên người nộp hồ sơ.")},
            "email": {"invalid": gettext_lazy("Địa chỉ thư điện tử không hợp lệ.")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", APPLICANT_PREFIX)
        super().__init__(*args, **kwargs)
        for name in ("date_of_birth", "id_issued_on"):
            self.fields[name].input_formats = DATE_FORMATS  # type: ignore[attr-defined]
        self.fields["sex"].choices = [("", _("— Chưa rõ —")), *Applicant.Sex.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == Applicant.Kind.PERSON and data.get("id_number"):
            problems = cccd.cccd_problems(
                data["id_number"],
                date_of_birth=data.get("date_of_birth"),
                sex=data.get("sex", ""),
                today=timezone.localdate(),
            )
            if problems:
                self.add_error("id_number", problems)
        return data

    def _post_clean(self) -> None:
        # The directory's unique CCCD rule is the service's (it offers the existing record).
        pass

    def to_data(self) -> ApplicantData:
        data = self.cleaned_data
        return ApplicantData(
            **{name: data.get(name) or "" for name in self.Meta.fields}
            | {
                "date_of_birth": data.get("date_of_birth"),
                "id_issued_on": data.get("id_issued_on"),
            }
        )


class ReceptionForm(forms.Form):
    """The dossier part of the counter form; the outcome is the submit button pressed."""

    form_token = forms.CharField(widget=forms.HiddenInput, max_length=200)
    applicant = forms.ModelChoiceField(
        queryset=Applicant.objects.none(), required=False, widget=forms.HiddenInput
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Hình thức nộp"),
        choices=Channel.choices,
        initial=Channel.DIRECT,
        widget=forms.RadioSelect,
    )
    submitter_name = forms.CharField(
        label=gettext_lazy("Người được ủy quyền nộp thay"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Bắt buộc khi người được ủy quyền nộp thay."),
    )
    copies = forms.IntegerField(
        label=gettext_lazy("Số bộ hồ sơ"),
        min_value=1,
        max_value=99,
        initial=1,
        error_messages={
            "min_value": gettext_lazy("Số bộ hồ sơ phải từ 1 trở lên."),
            "max_value": gettext_lazy("Số bộ hồ sơ tối đa là 99."),
            "required": gettext_lazy("Hãy nhập số bộ hồ sơ."),
        },
    )
    delivery_method = forms.ChoiceField(
        label=gettext_lazy("Hình thức nhận kết quả"),
        choices=DeliveryMethod.choices,
        initial=DeliveryMethod.DESK,
        widget=forms.RadioSelect,
    )
    delivery_address = forms.CharField(
        label=gettext_lazy("Địa chỉ nhận kết quả qua bưu chính"), max_length=300, required=False
    )
    fee_pages = forms.IntegerField(
        label=gettext_lazy("Số trang (tính phí theo trang)"),
        min_value=1,
        max_value=10000,
        initial=1,
        required=False,
    )
    fee_copies = forms.IntegerField(
        label=gettext_lazy("Số bản (tính phí theo bản)"),
        min_value=1,
        max_value=1000,
        initial=1,
        required=False,
    )
    fee_exempt = forms.BooleanField(label=gettext_lazy("Miễn phí, lệ phí"), required=False)
    fee_exemption = forms.CharField(
        label=gettext_lazy("Lý do miễn, giảm"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Ví dụ: hộ nghèo, người khuyết tật (Luật Hộ tịch Điều 11)."),
    )
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    missing_other = forms.CharField(
        label=gettext_lazy("Nội dung khác cần bổ sung, hoàn thiện"),
        required=False,
        help_text=gettext_lazy(
            "Mỗi dòng một nội dung. Giấy tờ chưa đánh dấu được tự ghi vào phiếu."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Lý do (bổ sung hoặc từ chối)"),
        required=False,
        help_text=gettext_lazy("Bắt buộc khi từ chối tiếp nhận: ghi lý do cụ thể."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    guidance = forms.CharField(
        label=gettext_lazy("Hướng dẫn người nộp"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    extra_name = forms.CharField(label=gettext_lazy("Giấy tờ khác"), max_length=500, required=False)
    extra_kind = forms.ChoiceField(
        label=gettext_lazy("Hình thức"), choices=KIND_CHOICES, initial=COPY, required=False
    )
    extra_quantity = forms.IntegerField(
        label=gettext_lazy("Số lượng"), min_value=1, max_value=99, initial=1, required=False
    )
    extra_file = forms.FileField(label=gettext_lazy("Bản quét"), required=False)

    def __init__(
        self,
        *args: Any,
        procedure: Procedure,
        applicants: Any,
        accepting: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        # Accepting needs every mandatory document and checked scans; a notice (form 02
        # or 03) needs neither, since no dossier and no file is kept then.
        self.accepting = accepting
        self.fields["applicant"].queryset = applicants  # type: ignore[attr-defined]
        self.checklist: list[RequiredDocument] = list(
            procedure.required_documents.order_by("order", "pk")
        )
        for document in self.checklist:
            prefix = f"doc_{document.pk}"
            self.fields[f"{prefix}_received"] = forms.BooleanField(
                label=document.name, required=False
            )
            self.fields[f"{prefix}_kind"] = forms.ChoiceField(
                label=_("Hình thức"),
                choices=KIND_CHOICES,
                initial=ORIGINAL if document.originals else COPY,
            )
            self.fields[f"{prefix}_quantity"] = forms.IntegerField(
                label=_("Số lượng"),
                min_value=1,
                max_value=99,
                initial=max(document.originals, document.copies, 1),
            )
            self.fields[f"{prefix}_file"] = forms.FileField(label=_("Bản quét"), required=False)
        self.uploads: dict[str, CheckedUpload] = {}
        # Optional fields other apps ask for this procedure (e.g. the date of birth that
        # decides the hộ tịch fee); they never become required at the counter.
        self.extension_fields = extensions.reception_fields_for(procedure)
        for name, form_field in self.extension_fields.items():
            form_field.required = False
            self.fields[name] = form_field

    def extension_rows(self) -> list[Any]:
        return [self[name] for name in self.extension_fields]

    def extension_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.extension_fields}

    def checklist_rows(self) -> list[dict[str, Any]]:
        """The checklist as rows of bound fields, for the template."""
        rows = []
        for document in self.checklist:
            prefix = f"doc_{document.pk}"
            rows.append(
                {
                    "document": document,
                    "received": self[f"{prefix}_received"],
                    "kind": self[f"{prefix}_kind"],
                    "quantity": self[f"{prefix}_quantity"],
                    "file": self[f"{prefix}_file"],
                }
            )
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        file_fields = [f"doc_{document.pk}_file" for document in self.checklist] + ["extra_file"]
        for name in file_fields if self.accepting else ():
            upload = data.get(name)
            if not upload:
                continue
            try:
                self.uploads[name] = check_upload(upload)
            except ValidationError as error:
                self.add_error(name, error)
        if self.accepting and data.get("extra_file") and not (data.get("extra_name") or "").strip():
            self.add_error("extra_name", _("Hãy ghi tên giấy tờ của bản quét đính kèm."))
        if (
            self.accepting
            and data.get("fee_exempt")
            and not (data.get("fee_exemption") or "").strip()
        ):
            self.add_error("fee_exemption", _("Hãy ghi lý do miễn, giảm phí, lệ phí."))
        if self.accepting:
            missing = [
                document.name
                for document in self.checklist
                if document.is_mandatory and not self._is_received(data, document)
            ]
            if missing:
                raise ValidationError(
                    _(
                        "Chưa nhận đủ giấy tờ bắt buộc: %(items)s. Hồ sơ chưa đầy đủ thì chọn "
                        "“Hồ sơ chưa đầy đủ” để in phiếu yêu cầu bổ sung."
                    )
                    % {"items": "; ".join(missing)}
                )
        return data

    @staticmethod
    def _is_received(data: dict[str, Any], document: RequiredDocument) -> bool:
        # A scan attached to a line means the paper was received.
        prefix = f"doc_{document.pk}"
        return bool(data.get(f"{prefix}_received") or data.get(f"{prefix}_file"))

    def received_documents(self) -> list[ReceivedDocument]:
        """The ticked checklist lines (and the extra document), with their checked scans."""
        data = self.cleaned_data
        documents = []
        for document in self.checklist:
            if not self._is_received(data, document):
                continue
            prefix = f"doc_{document.pk}"
            documents.append(self._received(document.name, prefix, document.pk))
        if (data.get("extra_name") or "").strip():
            documents.append(self._received(data["extra_name"].strip(), "extra", None))
        return documents

    def _received(self, name: str, prefix: str, required_id: int | None) -> ReceivedDocument:
        data = self.cleaned_data
        upload = self.uploads.get(f"{prefix}_file")
        return ReceivedDocument(
            name=name,
            is_original=data.get(f"{prefix}_kind") == ORIGINAL,
            quantity=data.get(f"{prefix}_quantity") or 1,
            required_document_id=required_id,
            file=upload.file if upload else None,
            content_type=upload.content_type if upload else "",
            sha256=upload.sha256 if upload else "",
        )

    def missing_items(self) -> list[str]:
        """Form 02's one complete list: unticked checklist lines, then the free-text lines."""
        data = self.cleaned_data
        items = [
            document.name for document in self.checklist if not self._is_received(data, document)
        ]
        items += [line for line in (data.get("missing_other") or "").splitlines() if line.strip()]
        return items
