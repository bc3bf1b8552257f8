"""HTML input of the civil registry pages (parsing only; the rules live in kinds/services).

One form class per register kind lists the kind's declared fields once: the registration
page, the correction page, the certificate rows and the register columns all read it.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.civil_registry.models import Kind
from xaso.civil_registry.models import Sex

SEX_CHOICES = [("", "---------"), *Sex.choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _text(label: str, *, required: bool = False, max_length: int = 200) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length)


def _date(label: str, *, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput())


def _sex(label: str = _("Giới tính")) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=SEX_CHOICES, required=False)


class KindForm(forms.Form):
    """Base of the kinds' forms: the service decides what is required (with the law's
    messages), so fields are optional here unless a value is needed to parse at all."""

    def entry_data(self) -> dict[str, object]:
        # The services keep only the kind's fields; the official's check and the fee
        # exemption are read separately.
        return {
            name: self.cleaned_data.get(name)
            for name in self.fields
            if name not in ("checked", "fee_exemption")
        }


class BirthForm(KindForm):
    child_full_name = _text(_("Họ, chữ đệm, tên"))
    sex = _sex()
    date_of_birth = _date(_("Ngày, tháng, năm sinh"))
    place_of_birth = _text(_("Nơi sinh"), max_length=300)
    ethnicity = _text(_("Dân tộc"), max_length=50)
    nationality = _text(_("Quốc tịch"), max_length=100)
    hometown = _text(_("Quê quán"), max_length=300)
    personal_id_number = _text(_("Số định danh cá nhân"), max_length=20)
    mother_full_name = _text(_("Họ, chữ đệm, tên người mẹ"))
    mother_date_of_birth = _date(_("Năm sinh người mẹ"))
    mother_ethnicity = _text(_("Dân tộc người mẹ"), max_length=50)
    mother_nationality = _text(_("Quốc tịch người mẹ"), max_length=100)
    mother_residence = _text(_("Nơi cư trú người mẹ"), max_length=300)
    mother_id_number = _text(_("Số định danh người mẹ"), max_length=20)
    father_full_name = _text(_("Họ, chữ đệm, tên người cha"))
    father_date_of_birth = _date(_("Năm sinh người cha"))
    father_ethnicity = _text(_("Dân tộc người cha"), max_length=50)
    father_nationality = _text(_("Quốc tịch người cha"), max_length=100)
    father_residence = _text(_("Nơi cư trú người cha"), max_length=300)
    father_id_number = _text(_("Số định danh người cha"), max_length=20)
    declarant_name = _text(_("Họ, chữ đệm, tên người đi khai sinh"))
    declarant_relation = _text(_("Quan hệ với người được khai sinh"), max_length=100)
    declarant_id_number = _text(_("Giấy tờ tùy thân người đi khai"), max_length=20)


class DeathForm(KindForm):
    deceased_full_name = _text(_("Họ, chữ đệm, tên người chết"))
    sex = _sex()
    date_of_birth = _date(_("Ngày, tháng, năm sinh"))
    ethnicity = _text(_("Dân tộc"), max_length=50)
    nationality = _text(_("Quốc tịch"), max_length=100)
    personal_id_number = _text(_("Số định danh cá nhân"), max_length=20)
    residence = _text(_("Nơi cư trú cuối cùng"), max_length=300)
    date_of_death = _date(_("Ngày, tháng, năm chết"))
    time_of_death = _text(_("Giờ, phút chết"), max_length=20)
    place_of_death = _text(_("Nơi chết"), max_length=300)
    cause_of_death = _text(_("Nguyên nhân chết"), max_length=300)
    death_notice = _text(_("Giấy báo tử hoặc giấy tờ thay thế (số, ngày, nơi cấp)"), max_length=300)
    declarant_name = _text(_("Họ, chữ đệm, tên người đi khai tử"))
    declarant_relation = _text(_("Quan hệ với người chết"), max_length=100)
    declarant_id_number = _text(_("Giấy tờ tùy thân người đi khai"), max_length=20)


class MarriageForm(KindForm):
    husband_full_name = _text(_("Họ, chữ đệm, tên người chồng"))
    husband_date_of_birth = _date(_("Ngày sinh người chồng"))
    husband_ethnicity = _text(_("Dân tộc người chồng"), max_length=50)
    husband_nationality = _text(_("Quốc tịch người chồng"), max_length=100)
    husband_residence = _text(_("Nơi cư trú người chồng"), max_length=300)
    husband_id_number = _text(_("Số định danh người chồng"), max_length=20)
    wife_full_name = _text(_("Họ, chữ đệm, tên người vợ"))
    wife_date_of_birth = _date(_("Ngày sinh người vợ"))
    wife_ethnicity = _text(_("Dân tộc người vợ"), max_length=50)
    wife_nationality = _text(_("Quốc tịch người vợ"), max_length=100)
    wife_residence = _text(_("Nơi cư trú người vợ"), max_length=300)
    wife_id_number = _text(_("Số định danh người vợ"), max_length=20)


class MaritalStatusForm(KindForm):
    full_name = _text(_("Họ, chữ đệm, tên người được xác nhận"))
    sex = _sex()
    date_of_birth = _date(_("Ngày, tháng, năm sinh"))
    ethnicity = _text(_("Dân tộc"), max_length=50)
    nationality = _text(_("Quốc tịch"), max_length=100)
    id_number = _text(_("Số định danh cá nhân"), max_length=20)
    residence = _text(_("Nơi cư trú"), max_length=300)
    marital_status = _text(_("Tình trạng hôn nhân"), max_length=500)
    purpose = _text(_("Mục đích sử dụng"), max_length=300)


RELATION_CHOICES = [
    ("", "---------"),
    ("father_child", _("Cha nhận con")),
    ("mother_child", _("Mẹ nhận con")),
    ("child_father", _("Con nhận cha")),
    ("child_mother", _("Con nhận mẹ")),
]


class ParentChildForm(KindForm):
    relation = forms.ChoiceField(label=_("Loại việc"), choices=RELATION_CHOICES, required=False)
    parent_full_name = _text(_("Họ, chữ đệm, tên người cha/mẹ"))
    parent_date_of_birth = _date(_("Ngày sinh người cha/mẹ"))
    parent_nationality = _text(_("Quốc tịch người cha/mẹ"), max_length=100)
    parent_residence = _text(_("Nơi cư trú người cha/mẹ"), max_length=300)
    parent_id_number = _text(_("Số định danh người cha/mẹ"), max_length=20)
    child_full_name = _text(_("Họ, chữ đệm, tên người con"))
    child_date_of_birth = _date(_("Ngày sinh người con"))
    child_nationality = _text(_("Quốc tịch người con"), max_length=100)
    child_residence = _text(_("Nơi cư trú người con"), max_length=300)
    child_id_number = _text(_("Số định danh người con"), max_length=20)


class GuardianshipForm(KindForm):
    guardian_full_name = _text(_("Họ, chữ đệm, tên người giám hộ"))
    guardian_date_of_birth = _date(_("Ngày sinh người giám hộ"))
    guardian_residence = _text(_("Nơi cư trú người giám hộ"), max_length=300)
    guardian_id_number = _text(_("Số định danh người giám hộ"), max_length=20)
    ward_full_name = _text(_("Họ, chữ đệm, tên người được giám hộ"))
    ward_date_of_birth = _date(_("Ngày sinh người được giám hộ"))
    ward_residence = _text(_("Nơi cư trú người được giám hộ"), max_length=300)
    ward_id_number = _text(_("Số định danh người được giám hộ"), max_length=20)
    basis = _text(_("Căn cứ xác lập việc giám hộ"), max_length=500)


CHANGE_TYPE_CHOICES = [
    ("", "---------"),
    ("change", _("Thay đổi hộ tịch")),
    ("correction", _("Cải chính hộ tịch")),
    ("addition", _("Bổ sung thông tin hộ tịch")),
    ("ethnicity", _("Xác định lại dân tộc")),
]


class ChangeForm(KindForm):
    """The change register's own fields (what, which entry, why): filled by the service."""

    change_type = forms.ChoiceField(
        label=_("Loại việc"), choices=CHANGE_TYPE_CHOICES, required=False
    )
    target_label = _text(_("Việc hộ tịch được thay đổi"), max_length=300)
    person_name = _text(_("Họ, chữ đệm, tên người có thay đổi"))
    changes_text = forms.CharField(label=_("Nội dung thay đổi"), required=False)
    reason = forms.CharField(label=_("Lý do"), required=False)


CHECKED_LABEL = _("Tôi đã kiểm tra, đối chiếu các thông tin trên với giấy tờ của hồ sơ")
# Luật Hộ tịch Đ11 (shared/domain/procedures.md): exempt from every hộ tịch fee. The values
# are kinds.EXEMPT_CATEGORIES (the reason recorded on the dossier).
FEE_EXEMPTION_CHOICES = [
    ("", _("Không miễn")),
    ("Gia đình người có công với cách mạng", _("Gia đình người có công với cách mạng")),
    ("Thành viên hộ nghèo", _("Thành viên hộ nghèo")),
    ("Người khuyết tật", _("Người khuyết tật")),
]


def _exemption_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Miễn lệ phí (Điều 11 Luật Hộ tịch)"),
        choices=FEE_EXEMPTION_CHOICES,
        required=False,
        help_text=_(
            "Người thuộc gia đình có công với cách mạng, hộ nghèo, người khuyết tật được miễn "
            "lệ phí hộ tịch; đăng ký khai sinh, khai tử đúng hạn, giám hộ, kết hôn của công dân "
            "Việt Nam cư trú trong nước được miễn tự động."
        ),
    )


def with_checkbox(form_class: type[KindForm]) -> type[KindForm]:
    """The registration form: the kind's fields plus the official's check."""
    return type(
        f"Checked{form_class.__name__}",
        (form_class,),
        {
            "fee_exemption": _exemption_field(),
            "checked": forms.BooleanField(label=CHECKED_LABEL, required=True),
        },
    )


def with_change(form_class: type[KindForm]) -> type[KindForm]:
    """The correction form: the target kind's fields (current values) plus type and reason."""
    return type(
        f"Change{form_class.__name__}",
        (form_class,),
        {
            "change_type": forms.ChoiceField(
                label=_("Loại việc"), choices=CHANGE_TYPE_CHOICES, required=False
            ),
            "reason": forms.CharField(
                label=_("Lý do thay đổi, cải chính"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            ),
            "fee_exemption": _exemption_field(),
            "checked": forms.BooleanField(label=CHECKED_LABEL, required=True),
        },
    )


class RegisterSearchForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại sổ"), choices=[("", _("Tất cả")), *Kind.choices], required=False
    )
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=2999, required=False)
    q = forms.CharField(
        label=_("Tìm theo họ tên, tên cha mẹ, ngày sinh, số/năm hoặc số CCCD"),
        required=False,
        max_length=200,
    )


class TargetSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm việc hộ tịch cần thay đổi (họ tên, ngày sinh, số/năm)"),
        required=False,
        max_length=200,
    )


class ExtractRequestForm(forms.Form):
    applicant = forms.IntegerField(widget=forms.HiddenInput, required=False)
    copies = forms.IntegerField(label=_("Số bản sao"), min_value=1, max_value=20, initial=1)
    fee_exemption = forms.ChoiceField(
        label=_("Miễn lệ phí (Điều 11 Luật Hộ tịch)"),
        choices=FEE_EXEMPTION_CHOICES,
        required=False,
    )


KIND_CHOICES = [("", _("— Không ghi vào sổ hộ tịch —")), *Kind.choices]


class UnitSettingsForm(forms.Form):
    """The unit administrator's page: entries per register book and, for each procedure of
    the unit's catalog, the register kind its dossiers are registered in."""

    entries_per_book = forms.IntegerField(
        label=_("Số việc hộ tịch mỗi quyển sổ"),
        min_value=1,
        max_value=5000,
        help_text=_("Khi quyển hiện tại đủ số này, việc tiếp theo được ghi vào quyển mới."),
    )

    def __init__(self, *args: object, procedures: list[object], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.procedures = procedures
        for procedure in procedures:
            self.fields[f"kind_{procedure.pk}"] = forms.ChoiceField(  # type: ignore[attr-defined]
                label=f"{procedure.code} — {procedure.name}",  # type: ignore[attr-defined]
                choices=KIND_CHOICES,
                required=False,
            )

    def procedure_rows(self) -> list[tuple[object, forms.BoundField]]:
        return [(procedure, self[f"kind_{procedure.pk}"]) for procedure in self.procedures]  # type: ignore[attr-defined]

    def kinds_by_procedure(self) -> dict[object, str]:
        return {
            procedure: self.cleaned_data[f"kind_{procedure.pk}"]  # type: ignore[attr-defined]
            for procedure in self.procedures
            if self.cleaned_data.get(f"kind_{procedure.pk}")  # type: ignore[attr-defined]
        }
