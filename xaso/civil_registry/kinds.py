"""Every register kind described once: its fields (a form class), its legal checks, the
people it links to the applicant directory, its register columns, its certificate.

The default procedure → kind map is also here: by the known national codes. The
correction procedure's national code is not known (domain notes: "code Unknown"): the
shipped seed catalog carries it under a local code (LOCAL_CORRECTION_CODE), and each unit's
administrator maps its own catalog's procedures to kinds on the settings page
(xaso.civil_registry.mapping); the setting XASO_CIVIL_CORRECTION_PROCEDURE_CODES remains a
deployment-wide fallback.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.civil_registry import forms as kind_forms
from xaso.civil_registry.models import ON_TIME_DAYS
from xaso.civil_registry.models import Kind
from xaso.civil_registry.models import Sex
from xaso.core.i18n import official_language

# Luật Hộ tịch 2014, Điều 33: the death is registered within 15 days of it (free if so).
DEATH_ON_TIME_DAYS = 15
# Luật Hôn nhân và gia đình 2014, Điều 8.1.a: a man from 20 full years, a woman from 18.
# (Not in /work/shared/domain: taken from the law's text.)
MARRIAGE_MIN_AGE_MAN = 20
MARRIAGE_MIN_AGE_WOMAN = 18
EARLIEST_DATE = datetime.date(1900, 1, 1)

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class Role:
    """A person of the entry: which fields name them (for the applicant directory)."""

    role: str
    label: str | Promise
    name_field: str
    id_field: str = ""
    dob_field: str = ""
    sex: str = ""

    @classmethod
    def of_person(cls, prefix: str, label: str | Promise, sex: str = "") -> "Role":
        """The person whose form fields are `<prefix>_full_name`, `<prefix>_id_number` and
        `<prefix>_date_of_birth` (mother, husband, guardian…: the forms name them so)."""
        return cls(
            prefix,
            label,
            f"{prefix}_full_name",
            f"{prefix}_id_number",
            f"{prefix}_date_of_birth",
            sex,
        )


@dataclass(frozen=True)
class KindSpec:
    kind: str
    title: str | Promise  # the certificate / extract title
    register_title: str | Promise
    form_class: type[kind_forms.KindForm]
    procedure_codes: frozenset[str]
    main_name_field: str
    main_dob_field: str = ""
    other_name_fields: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    # Register columns (field names) after number and date; all fields when empty.
    columns: tuple[str, ...] = ()
    check: Callable[[dict[str, Any], datetime.date, Errors], None] | None = None
    # (is_late, fee exemption reason) for an on-time free registration, else None.
    timeliness: Callable[[dict[str, Any], datetime.date], tuple[bool, str]] | None = None
    # Declared-data defaults taken from the dossier's applicant: field → applicant attribute.
    from_applicant: dict[str, str] = field(default_factory=dict)
    certificate_template: str = "civil_registry/pdf/certificate.html"

    @property
    def fields(self) -> list[str]:
        return list(self.form_class.base_fields)

    @property
    def date_fields(self) -> set[str]:
        return {
            name
            for name, form_field in self.form_class.base_fields.items()
            if isinstance(form_field, forms.DateField)
        }

    def label(self, name: str) -> str:
        return str(self.form_class.base_fields[name].label)

    @property
    def column_fields(self) -> list[str]:
        return list(self.columns) or self.fields


# --- checks -------------------------------------------------------------------------------


def _blank(data: dict[str, Any], name: str) -> bool:
    return not str(data.get(name) or "").strip()


def _require(data: dict[str, Any], errors: Errors, name: str, message: str) -> None:
    if _blank(data, name):
        errors.setdefault(name, []).append(message)


def _past_date(
    data: dict[str, Any],
    errors: Errors,
    name: str,
    registered_on: datetime.date,
    *,
    required_message: str = "",
) -> datetime.date | None:
    value = data.get(name)
    if not isinstance(value, datetime.date):
        if required_message:
            errors.setdefault(name, []).append(required_message)
        return None
    if value > registered_on:
        errors.setdefault(name, []).append(_("Ngày này không thể sau ngày đăng ký."))
        return None
    if value < EARLIEST_DATE:
        errors.setdefault(name, []).append(_("Ngày này không thể trước năm 1900."))
        return None
    return value


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _check_birth(data: dict[str, Any], registered_on: datetime.date, errors: Errors) -> None:
    _require(
        data, errors, "child_full_name", _("Hãy nhập họ, chữ đệm và tên của người được khai sinh.")
    )
    born = data.get("date_of_birth")
    if not isinstance(born, datetime.date):
        errors.setdefault("date_of_birth", []).append(_("Hãy nhập ngày, tháng, năm sinh."))
    elif born > registered_on:
        errors.setdefault("date_of_birth", []).append(_("Ngày sinh không thể sau ngày đăng ký."))
    elif born < EARLIEST_DATE:
        errors.setdefault("date_of_birth", []).append(_("Ngày sinh không thể trước năm 1900."))
    _require(data, errors, "sex", _("Hãy chọn giới tính."))
    _require(data, errors, "place_of_birth", _("Hãy nhập nơi sinh."))
    if _blank(data, "mother_full_name") and _blank(data, "father_full_name"):
        errors.setdefault("mother_full_name", []).append(
            _("Hãy nhập họ tên người mẹ hoặc người cha.")
        )
    for parent in ("mother", "father"):
        parent_born = data.get(f"{parent}_date_of_birth")
        if (
            isinstance(parent_born, datetime.date)
            and isinstance(born, datetime.date)
            and parent_born >= born
        ):
            errors.setdefault(f"{parent}_date_of_birth", []).append(
                _("Ngày sinh của cha, mẹ phải trước ngày sinh của con.")
            )
    _require(data, errors, "declarant_name", _("Hãy nhập họ tên người đi khai sinh."))


@official_language
def _birth_timeliness(data: dict[str, Any], registered_on: datetime.date) -> tuple[bool, str]:
    born = data["date_of_birth"]
    late = (registered_on - born).days > ON_TIME_DAYS
    return late, "" if late else _("Đăng ký khai sinh đúng hạn (Điều 11 Luật Hộ tịch)")


def _check_death(data: dict[str, Any], registered_on: datetime.date, errors: Errors) -> None:
    _require(data, errors, "deceased_full_name", _("Hãy nhập họ, chữ đệm và tên của người chết."))
    died = _past_date(
        data,
        errors,
        "date_of_death",
        registered_on,
        required_message=_("Hãy nhập ngày, tháng, năm chết."),
    )
    born = _past_date(data, errors, "date_of_birth", registered_on)
    if died and born and born > died:
        errors.setdefault("date_of_birth", []).append(
            _("Ngày sinh phải trước ngày chết của người chết.")
        )
    _require(data, errors, "place_of_death", _("Hãy nhập nơi chết."))
    _require(data, errors, "declarant_name", _("Hãy nhập họ tên người đi khai tử."))


@official_language
def _death_timeliness(data: dict[str, Any], registered_on: datetime.date) -> tuple[bool, str]:
    late = (registered_on - data["date_of_death"]).days > DEATH_ON_TIME_DAYS
    return late, "" if late else _("Đăng ký khai tử đúng hạn (Điều 11 Luật Hộ tịch)")


def _check_marriage(data: dict[str, Any], registered_on: datetime.date, errors: Errors) -> None:
    for side, minimum, name_message, age_message in (
        (
            "husband",
            MARRIAGE_MIN_AGE_MAN,
            _("Hãy nhập họ, chữ đệm và tên người chồng."),
            _(
                "Nam phải từ đủ %(age)s tuổi trở lên mới được kết hôn (Điều 8 Luật Hôn nhân và gia đình)."
            ),
        ),
        (
            "wife",
            MARRIAGE_MIN_AGE_WOMAN,
            _("Hãy nhập họ, chữ đệm và tên người vợ."),
            _(
                "Nữ phải từ đủ %(age)s tuổi trở lên mới được kết hôn (Điều 8 Luật Hôn nhân và gia đình)."
            ),
        ),
    ):
        _require(data, errors, f"{side}_full_name", name_message)
        born = _past_date(
            data,
            errors,
            f"{side}_date_of_birth",
            registered_on,
            required_message=_("Hãy nhập ngày, tháng, năm sinh."),
        )
        if born and _age_on(born, registered_on) < minimum:
            errors.setdefault(f"{side}_date_of_birth", []).append(age_message % {"age": minimum})
    husband_id = str(data.get("husband_id_number") or "").strip()
    if husband_id and husband_id == str(data.get("wife_id_number") or "").strip():
        errors.setdefault("wife_id_number", []).append(
            _("Số định danh của hai bên không thể trùng nhau.")
        )


def _is_vietnamese(nationality: Any) -> bool:
    text = str(nationality or "").strip().casefold()
    return text in {"", "việt nam", "viet nam", "vn"}


@official_language
def _marriage_timeliness(data: dict[str, Any], registered_on: datetime.date) -> tuple[bool, str]:
    # Luật Hộ tịch Đ11: free for Vietnamese citizens residing in Vietnam. Residence abroad
    # cannot be read from the form's free-text address: only the nationality is checked.
    if _is_vietnamese(data.get("husband_nationality")) and _is_vietnamese(
        data.get("wife_nationality")
    ):
        return False, _(
            "Miễn lệ phí đăng ký kết hôn của công dân Việt Nam cư trú ở trong nước (Điều 11 "
            "Luật Hộ tịch)"
        )
    return False, ""


@official_language
def _guardianship_timeliness(
    data: dict[str, Any], registered_on: datetime.date
) -> tuple[bool, str]:
    return False, _("Đăng ký giám hộ không thu lệ phí (Điều 11 Luật Hộ tịch)")


def _check_marital_status(
    data: dict[str, Any], registered_on: datetime.date, errors: Errors
) -> None:
    _require(data, errors, "full_name", _("Hãy nhập họ, chữ đệm và tên người được xác nhận."))
    _past_date(
        data,
        errors,
        "date_of_birth",
        registered_on,
        required_message=_("Hãy nhập ngày, tháng, năm sinh."),
    )
    _require(data, errors, "marital_status", _("Hãy ghi tình trạng hôn nhân được xác nhận."))
    _require(data, errors, "purpose", _("Hãy ghi mục đích sử dụng giấy xác nhận."))


def _check_parent_child(data: dict[str, Any], registered_on: datetime.date, errors: Errors) -> None:
    _require(data, errors, "relation", _("Hãy chọn loại việc nhận cha, mẹ, con."))
    _require(data, errors, "parent_full_name", _("Hãy nhập họ tên người cha hoặc mẹ."))
    _require(data, errors, "child_full_name", _("Hãy nhập họ tên người con."))
    parent_born = _past_date(data, errors, "parent_date_of_birth", registered_on)
    child_born = _past_date(
        data,
        errors,
        "child_date_of_birth",
        registered_on,
        required_message=_("Hãy nhập ngày sinh người con."),
    )
    if parent_born and child_born and parent_born >= child_born:
        errors.setdefault("parent_date_of_birth", []).append(
            _("Ngày sinh của cha, mẹ phải trước ngày sinh của con.")
        )


def _check_guardianship(data: dict[str, Any], registered_on: datetime.date, errors: Errors) -> None:
    _require(data, errors, "guardian_full_name", _("Hãy nhập họ tên người giám hộ."))
    _require(data, errors, "ward_full_name", _("Hãy nhập họ tên người được giám hộ."))
    _past_date(data, errors, "guardian_date_of_birth", registered_on)
    _past_date(
        data,
        errors,
        "ward_date_of_birth",
        registered_on,
        required_message=_("Hãy nhập ngày sinh người được giám hộ."),
    )
    _require(data, errors, "basis", _("Hãy ghi căn cứ xác lập việc giám hộ."))


# Fee exemption reasons and fee bases (these and the `*_timeliness` functions) are stored on the
# entry and the dossier and printed: official texts, in Vietnamese whatever the official's screen
# language (@official_language, xaso/core/i18n.py).

# Luật Hộ tịch Đ11 (procedures.md §1): people exempt from every hộ tịch fee.
EXEMPT_CATEGORIES = (
    "Gia đình người có công với cách mạng",
    "Thành viên hộ nghèo",
    "Người khuyết tật",
)


@official_language
def exemption_reason(category: str) -> str:
    return _("Miễn lệ phí hộ tịch: %(category)s (Điều 11 Luật Hộ tịch)") % {"category": category}


@official_language
def late_fee_basis(kind: str) -> str:
    return _("Đăng ký %(kind)s quá hạn: lệ phí theo nghị quyết của HĐND tỉnh") % {
        "kind": str(Kind(kind).label).lower()
    }


@official_language
def catalog_fee_basis() -> str:
    return _("Lệ phí theo nghị quyết của HĐND tỉnh (danh mục thủ tục của đơn vị)")


# --- the kinds --------------------------------------------------------------------------

# The applicant at the counter is, by default, the one who declares the birth or death.
DECLARANT_FROM_APPLICANT = {"declarant_name": "full_name", "declarant_id_number": "id_number"}

BIRTH_PROCEDURE_CODE = "1.001193"
# Local code of the correction procedure in the shipped seed catalog (procedures.json): its
# national code is Unknown in the domain notes (procedures.md §2), so not a DVCQG code.
LOCAL_CORRECTION_CODE = "XASO.HT.CAICHINH"
EXTRACT_PROCEDURE_CODE = "2.000635"

SPECS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            kind=Kind.BIRTH,
            title=gettext_lazy("Giấy khai sinh"),
            register_title=gettext_lazy("Sổ đăng ký khai sinh"),
            form_class=kind_forms.BirthForm,
            procedure_codes=frozenset({BIRTH_PROCEDURE_CODE}),
            main_name_field="child_full_name",
            main_dob_field="date_of_birth",
            other_name_fields=("mother_full_name", "father_full_name"),
            roles=(
                Role(
                    "child",
                    gettext_lazy("Người được khai sinh"),
                    "child_full_name",
                    "personal_id_number",
                    "date_of_birth",
                ),
                Role.of_person("mother", gettext_lazy("Mẹ"), Sex.FEMALE),
                Role.of_person("father", gettext_lazy("Cha"), Sex.MALE),
                Role(
                    "declarant",
                    gettext_lazy("Người đi khai sinh"),
                    "declarant_name",
                    "declarant_id_number",
                ),
            ),
            columns=(
                "child_full_name",
                "sex",
                "date_of_birth",
                "place_of_birth",
                "ethnicity",
                "nationality",
                "mother_full_name",
                "father_full_name",
                "declarant_name",
            ),
            check=_check_birth,
            timeliness=_birth_timeliness,
            from_applicant=DECLARANT_FROM_APPLICANT,
            certificate_template="civil_registry/pdf/birth_certificate.html",
        ),
        KindSpec(
            kind=Kind.DEATH,
            title=gettext_lazy("Trích lục khai tử"),
            register_title=gettext_lazy("Sổ đăng ký khai tử"),
            form_class=kind_forms.DeathForm,
            procedure_codes=frozenset({"1.000656"}),
            main_name_field="deceased_full_name",
            main_dob_field="date_of_birth",
            other_name_fields=("declarant_name",),
            roles=(
                Role(
                    "deceased",
                    gettext_lazy("Người chết"),
                    "deceased_full_name",
                    "personal_id_number",
                    "date_of_birth",
                ),
                Role(
                    "declarant",
                    gettext_lazy("Người đi khai tử"),
                    "declarant_name",
                    "declarant_id_number",
                ),
            ),
            columns=(
                "deceased_full_name",
                "sex",
                "date_of_birth",
                "personal_id_number",
                "date_of_death",
                "place_of_death",
                "cause_of_death",
                "declarant_name",
            ),
            check=_check_death,
            timeliness=_death_timeliness,
            from_applicant=DECLARANT_FROM_APPLICANT,
        ),
        KindSpec(
            kind=Kind.MARRIAGE,
            title=gettext_lazy("Giấy chứng nhận kết hôn"),
            register_title=gettext_lazy("Sổ đăng ký kết hôn"),
            form_class=kind_forms.MarriageForm,
            procedure_codes=frozenset({"1.000894"}),
            main_name_field="husband_full_name",
            main_dob_field="husband_date_of_birth",
            other_name_fields=("wife_full_name",),
            roles=(
                Role.of_person("husband", gettext_lazy("Chồng"), Sex.MALE),
                Role.of_person("wife", gettext_lazy("Vợ"), Sex.FEMALE),
            ),
            columns=(
                "husband_full_name",
                "husband_date_of_birth",
                "husband_id_number",
                "husband_residence",
                "wife_full_name",
                "wife_date_of_birth",
                "wife_id_number",
                "wife_residence",
            ),
            check=_check_marriage,
            timeliness=_marriage_timeliness,
        ),
        KindSpec(
            kind=Kind.MARITAL_STATUS,
            title=gettext_lazy("Giấy xác nhận tình trạng hôn nhân"),
            register_title=gettext_lazy("Sổ cấp giấy xác nhận tình trạng hôn nhân"),
            form_class=kind_forms.MaritalStatusForm,
            procedure_codes=frozenset({"1.004873"}),
            main_name_field="full_name",
            main_dob_field="date_of_birth",
            roles=(
                Role(
                    "subject",
                    gettext_lazy("Người được xác nhận"),
                    "full_name",
                    "id_number",
                    "date_of_birth",
                ),
            ),
            columns=(
                "full_name",
                "date_of_birth",
                "id_number",
                "residence",
                "marital_status",
                "purpose",
            ),
            check=_check_marital_status,
            from_applicant={
                "full_name": "full_name",
                "date_of_birth": "date_of_birth",
                "sex": "sex",
                "id_number": "id_number",
                "residence": "address",
            },
        ),
        KindSpec(
            kind=Kind.PARENT_CHILD,
            title=gettext_lazy("Trích lục đăng ký nhận cha, mẹ, con"),
            register_title=gettext_lazy("Sổ đăng ký nhận cha, mẹ, con"),
            form_class=kind_forms.ParentChildForm,
            procedure_codes=frozenset({"1.001022"}),
            main_name_field="child_full_name",
            main_dob_field="child_date_of_birth",
            other_name_fields=("parent_full_name",),
            roles=(
                Role.of_person("parent", gettext_lazy("Cha/mẹ")),
                Role.of_person("child", gettext_lazy("Con")),
            ),
            columns=(
                "relation",
                "parent_full_name",
                "parent_date_of_birth",
                "parent_residence",
                "child_full_name",
                "child_date_of_birth",
                "child_residence",
            ),
            check=_check_parent_child,
        ),
        KindSpec(
            kind=Kind.GUARDIANSHIP,
            title=gettext_lazy("Trích lục đăng ký giám hộ"),
            register_title=gettext_lazy("Sổ đăng ký giám hộ"),
            form_class=kind_forms.GuardianshipForm,
            procedure_codes=frozenset({"1.004837"}),
            main_name_field="ward_full_name",
            main_dob_field="ward_date_of_birth",
            other_name_fields=("guardian_full_name",),
            roles=(
                Role.of_person("guardian", gettext_lazy("Người giám hộ")),
                Role.of_person("ward", gettext_lazy("Người được giám hộ")),
            ),
            check=_check_guardianship,
            timeliness=_guardianship_timeliness,
            from_applicant={
                "guardian_full_name": "full_name",
                "guardian_id_number": "id_number",
                "guardian_date_of_birth": "date_of_birth",
                "guardian_residence": "address",
            },
        ),
        KindSpec(
            kind=Kind.CHANGE,
            title=gettext_lazy("Trích lục thay đổi, cải chính, bổ sung hộ tịch"),
            register_title=gettext_lazy("Sổ đăng ký thay đổi, cải chính, bổ sung hộ tịch"),
            form_class=kind_forms.ChangeForm,
            # National code Unknown: the seed catalog's local code; units map their own.
            procedure_codes=frozenset({LOCAL_CORRECTION_CODE}),
            main_name_field="person_name",
            columns=("change_type", "target_label", "person_name", "changes_text", "reason"),
        ),
    )
}


def correction_procedure_codes() -> frozenset[str]:
    """The catalog codes of the correction procedure (its national code is Unknown)."""
    return frozenset(
        code.strip()
        for code in getattr(settings, "XASO_CIVIL_CORRECTION_PROCEDURE_CODES", [])
        if code.strip()
    )


def spec_for(kind: str) -> KindSpec:
    return SPECS[kind]


def default_kind_for_code(code: str) -> str | None:
    """The register kind of a procedure code by default (None: not hộ tịch). A unit's own
    mapping (xaso.civil_registry.mapping) takes precedence."""
    for spec in SPECS.values():
        if code in spec.procedure_codes:
            return spec.kind
    if code in correction_procedure_codes():
        return Kind.CHANGE
    return None


def default_registration_codes() -> frozenset[str]:
    codes: set[str] = set()
    for spec in SPECS.values():
        codes |= spec.procedure_codes
    return frozenset(codes | correction_procedure_codes())


def display_value(spec: KindSpec, name: str, value: Any) -> str:
    """A stored JSON value as shown on pages, certificates and registers."""
    if value in (None, ""):
        return ""
    if name in spec.date_fields:
        try:
            return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    form_field = spec.form_class.base_fields.get(name)
    if isinstance(form_field, forms.ChoiceField):
        return str(dict(form_field.choices).get(value, value))
    return str(value)
