"""Forms of the catalog pages: input parsing only; the rules live in services.catalog."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from xaso.core.models import AdministrativeUnit
from xaso.core.models import Position
from xaso.core.models import User
from xaso.dossiers.models import FeeRule
from xaso.dossiers.models import Procedure
from xaso.dossiers.models import ProcedureField
from xaso.dossiers.models import ProcessStep
from xaso.dossiers.services.catalog import DocumentData
from xaso.dossiers.services.catalog import FeeData
from xaso.dossiers.services.catalog import StepData


def _blank(choices: list[tuple[str, Any]], label: str = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


class ProcedureFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm theo mã, tên thủ tục"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    field = forms.ModelChoiceField(
        label=_("Lĩnh vực"), queryset=ProcedureField.objects.none(), required=False
    )
    active = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), ("1", _("Đang áp dụng")), ("0", _("Ngừng áp dụng"))],
    )

    def __init__(self, *args: Any, fields: list[ProcedureField], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = ProcedureField.objects.filter(pk__in=[f.pk for f in fields])
        self.fields["field"].empty_label = _("Mọi lĩnh vực")

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        active = self.cleaned_data["active"]
        field = self.cleaned_data["field"]
        return {
            "query": self.cleaned_data["q"],
            "field_id": field.pk if field else None,
            "is_active": None if active == "" else active == "1",
        }


class ProcedureForm(forms.Form):
    """The procedure's own data; the process, documents and fees have their own pages."""

    code = forms.CharField(
        label=_("Mã thủ tục"),
        max_length=60,
        help_text=_("Mã trên Cơ sở dữ liệu quốc gia về TTHC, ví dụ 1.001193."),
    )
    name = forms.CharField(label=_("Tên thủ tục"), max_length=500)
    field = forms.ModelChoiceField(
        label=_("Lĩnh vực"), queryset=ProcedureField.objects.order_by("name"), required=False
    )
    new_field_code = forms.CharField(
        label=_("hoặc lĩnh vực mới: mã"), max_length=30, required=False
    )
    new_field_name = forms.CharField(label=_("tên lĩnh vực mới"), max_length=200, required=False)
    level = forms.CharField(label=_("Cấp thực hiện"), max_length=100, initial="Cấp xã")
    implementing_agency = forms.CharField(
        label=_("Cơ quan thực hiện"),
        max_length=300,
        required=False,
        initial="Ủy ban nhân dân cấp xã",
    )
    time_limit_kind = forms.ChoiceField(
        label=_("Loại thời hạn"), choices=Procedure.TimeLimitKind.choices
    )
    time_limit_value = forms.DecimalField(
        label=_("Thời hạn giải quyết"),
        min_value=Decimal(0),
        max_digits=7,
        decimal_places=2,
        initial=Decimal(0),
        help_text=_("Số ngày hoặc số giờ; để 0 nếu giải quyết ngay trong ngày."),
    )
    time_limit_note = forms.CharField(label=_("Ghi chú thời hạn"), max_length=300, required=False)
    fee_note = forms.CharField(
        label=_("Phí, lệ phí (mô tả)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fee_exemptions = forms.CharField(
        label=_("Trường hợp miễn, giảm"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    result_name = forms.CharField(label=_("Kết quả"), max_length=300, required=False)
    result_code = forms.CharField(label=_("Mã kết quả (KQ)"), max_length=40, required=False)
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    conditions = forms.CharField(
        label=_("Yêu cầu, điều kiện"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    steps_description = forms.CharField(
        label=_("Trình tự thực hiện"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    online_level = forms.ChoiceField(
        label=_("Mức độ trực tuyến"), choices=Procedure.OnlineLevel.choices
    )
    source = forms.CharField(label=_("Nguồn dữ liệu"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("field") and not (
            data.get("new_field_code") and data.get("new_field_name")
        ):
            self.add_error("field", _("Hãy chọn lĩnh vực, hoặc nhập mã và tên lĩnh vực mới."))
        return data

    @staticmethod
    def initial_from(procedure: Procedure) -> dict[str, Any]:
        return {
            name: getattr(procedure, name)
            for name in (
                "code",
                "name",
                "field",
                "level",
                "implementing_agency",
                "time_limit_kind",
                "time_limit_value",
                "time_limit_note",
                "fee_note",
                "fee_exemptions",
                "result_name",
                "result_code",
                "legal_basis",
                "conditions",
                "steps_description",
                "online_level",
                "source",
            )
        }


class ProcessTimeForm(forms.Form):
    """The legal time, edited together with the steps that must add up to it."""

    time_limit_kind = forms.ChoiceField(
        label=_("Loại thời hạn"), choices=Procedure.TimeLimitKind.choices
    )
    time_limit_value = forms.DecimalField(
        label=_("Thời hạn giải quyết"), min_value=Decimal(0), max_digits=7, decimal_places=2
    )


class StepForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Tên bước"), max_length=300)
    kind = forms.ChoiceField(label=_("Loại bước"), choices=_blank(ProcessStep.Kind.choices))
    position = forms.ModelChoiceField(
        label=_("Chức danh"), queryset=Position.objects.none(), required=False
    )
    assignee = forms.ModelChoiceField(
        label=_("hoặc người thực hiện"), queryset=User.objects.none(), required=False
    )
    budget_hours = forms.DecimalField(
        label=_("Thời gian (giờ)"), min_value=Decimal(0), max_digits=7, decimal_places=2
    )

    def __init__(self, *args: Any, unit: AdministrativeUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.exclude(
            code=Position.Code.PROVINCE_SUPERVISOR
        ).order_by("sort_order", "name")
        self.fields["assignee"].queryset = User.objects.filter(unit=unit, is_active=True)
        self.fields["position"].empty_label = "—"
        self.fields["assignee"].empty_label = "—"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("position") and not data.get("assignee") and not self.has_error("name"):
            self.add_error("position", _("Chọn chức danh hoặc người thực hiện."))
        return data

    def to_data(self) -> StepData:
        data = self.cleaned_data
        return StepData(
            id=data.get("id"),
            name=data["name"],
            kind=data["kind"],
            budget_hours=data["budget_hours"],
            position=data.get("position"),
            assignee=data.get("assignee"),
        )


class DocumentForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Tên giấy tờ"), max_length=500)
    originals = forms.IntegerField(label=_("Số bản chính"), min_value=0, max_value=99, initial=0)
    copies = forms.IntegerField(label=_("Số bản sao"), min_value=0, max_value=99, initial=0)
    is_mandatory = forms.BooleanField(label=_("Bắt buộc"), required=False, initial=True)
    form_name = forms.CharField(label=_("Mẫu đơn, tờ khai"), max_length=200, required=False)
    form_file = forms.FileField(label=_("Tệp mẫu"), required=False)
    clear_form_file = forms.BooleanField(label=_("Xóa tệp mẫu"), required=False)

    def to_data(self) -> DocumentData:
        data = self.cleaned_data
        return DocumentData(
            id=data.get("id"),
            name=data["name"],
            originals=data["originals"],
            copies=data["copies"],
            is_mandatory=data["is_mandatory"],
            form_name=data["form_name"],
            form_file=data.get("form_file"),
            clear_form_file=data["clear_form_file"],
        )


class FeeForm(forms.Form):
    name = forms.CharField(label=_("Tên khoản thu"), max_length=200)
    amount = forms.IntegerField(label=_("Mức thu (đồng)"), min_value=0)
    basis = forms.ChoiceField(
        label=_("Cách tính"), choices=FeeRule.Basis.choices, initial=FeeRule.Basis.PER_CASE
    )
    reduced_amount = forms.IntegerField(label=_("Mức giảm (đồng)"), min_value=0, required=False)
    reduced_from = forms.IntegerField(label=_("Giảm từ trang"), min_value=2, required=False)
    cap = forms.IntegerField(label=_("Tối đa mỗi bản (đồng)"), min_value=0, required=False)
    channel = forms.ChoiceField(
        label=_("Hình thức nộp"), choices=FeeRule.Channel.choices, initial=FeeRule.Channel.ANY
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def to_data(self) -> FeeData:
        data = self.cleaned_data
        return FeeData(
            name=data["name"],
            amount=data["amount"],
            basis=data["basis"],
            reduced_amount=data.get("reduced_amount"),
            reduced_from=data.get("reduced_from"),
            cap=data.get("cap"),
            channel=data["channel"],
            note=data.get("note", ""),
        )


class _UnitFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, unit: AdministrativeUnit, **kwargs: Any) -> None:
        self.unit = unit
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "unit": self.unit}


class _OrderedFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[forms.Form]:
        """The filled rows not marked for deletion, in the order the user gave.

        Call after is_valid(); blank extra rows are left out.
        """
        return list(self.ordered_forms)

    def preview_forms(self) -> tuple[list[forms.Form], list[int]]:
        """For a live preview of an unfinished table: the valid kept rows in order, and the
        numbers (from 1) of the filled rows that are not valid yet."""
        rows: list[tuple[float, int, forms.Form]] = []
        invalid: list[int] = []
        for index, form in enumerate(self.forms):
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            if not form.is_valid():
                invalid.append(index + 1)
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            order = form.cleaned_data.get("ORDER")
            rows.append((order if order is not None else float("inf"), index, form))
        rows.sort(key=lambda row: (row[0], row[1]))
        return [form for _order, _index, form in rows], invalid


class StepFormSetBase(_UnitFormSet, _OrderedFormSet):
    pass


def step_formset_class(extra: int = 1) -> type[StepFormSetBase]:
    """The steps formset with `extra` blank rows."""
    return formset_factory(
        StepForm, formset=StepFormSetBase, extra=extra, can_delete=True, can_order=True, max_num=30
    )


StepFormSet = step_formset_class()
DocumentFormSet = formset_factory(
    DocumentForm, formset=_OrderedFormSet, extra=1, can_delete=True, can_order=True, max_num=50
)
FeeFormSet = formset_factory(FeeForm, extra=1, can_delete=True, max_num=20)


def step_initial(steps: list[ProcessStep]) -> list[dict[str, Any]]:
    return [
        {
            "id": step.pk,
            "name": step.name,
            "kind": step.kind,
            "position": step.position_id,
            "assignee": step.assignee_id,
            "budget_hours": step.budget_hours,
            "ORDER": step.order,
        }
        for step in steps
    ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp danh mục"),
        help_text=_("Tệp .xlsx hoặc .json theo mẫu của tệp xuất danh mục (tối đa 5 MB)."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".json")):
            raise ValidationError(_("Chỉ nhận tệp .xlsx hoặc .json."))
        return upload
