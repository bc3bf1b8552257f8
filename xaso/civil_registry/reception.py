"""The hộ tịch fee quoted at the one-stop counter (Luật Hộ tịch Đ11).

The counter form asks, for a birth or death registration, the one date that decides the fee
(the child's date of birth, the date of death); the quote then follows the same rule as the
registration (services.registration_fee). Without the date, the catalog rate is quoted and
the basis says it is checked again when the official prepares the registration, which
corrects it (services._requote). Registered with the dossiers app in AppConfig.ready().
"""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.civil_registry import kinds
from xaso.civil_registry import mapping
from xaso.civil_registry.kinds import Kind
from xaso.core.i18n import official_language
from xaso.dossiers.extensions import ReceptionFee
from xaso.dossiers.extensions import register_reception_extension
from xaso.dossiers.models import Procedure

PREFIX = "hotich_"

# Register kind → (the declared-data field that decides the fee, its counter label).
COUNTER_DATES = {
    Kind.BIRTH: ("date_of_birth", gettext_lazy("Ngày sinh của người được khai sinh")),
    Kind.DEATH: ("date_of_death", gettext_lazy("Ngày chết của người được khai tử")),
}
# Kinds whose fee rule needs no data from the counter (always free).
NO_DATA_NEEDED = {Kind.GUARDIANSHIP}


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Để tính lệ phí hộ tịch (Điều 11 Luật Hộ tịch); có thể bỏ trống."),
        error_messages={"invalid": gettext_lazy("Ngày không hợp lệ (ngày/tháng/năm).")},
    )


def counter_fields(procedure: Procedure) -> dict[str, Any]:
    kind = mapping.kind_for_procedure(procedure)
    if kind not in COUNTER_DATES:
        return {}
    name, label = COUNTER_DATES[kind]
    return {PREFIX + name: _date_field(label)}


# Stored on the dossier and printed on the receipt: Vietnamese whatever the screen language.
@official_language
def pending_basis() -> str:
    return _(
        "Lệ phí theo danh mục thủ tục của đơn vị; sẽ tính lại khi lập tờ đăng ký "
        "(Điều 11 Luật Hộ tịch)"
    )


def counter_fee(
    procedure: Procedure, values: dict[str, Any], received_on: datetime.date, catalog_total: int
) -> ReceptionFee | None:
    """The fee of a hộ tịch dossier accepted on `received_on` (None: not hộ tịch, or a kind
    whose fee is the catalog rate anyway)."""
    kind = mapping.kind_for_procedure(procedure)
    if kind is None:
        return None
    spec = kinds.spec_for(kind)
    if spec.timeliness is None:
        return None
    data: dict[str, Any] = {}
    if kind in COUNTER_DATES:
        name = COUNTER_DATES[kind][0]
        value = values.get(PREFIX + name)
        if value is None:
            return ReceptionFee(fee_due=catalog_total, fee_basis=pending_basis())
        if value > received_on:
            raise ValidationError(
                {PREFIX + name: [_("Ngày này không được sau ngày tiếp nhận hồ sơ.")]}
            )
        data[name] = value
    elif kind not in NO_DATA_NEEDED:
        return ReceptionFee(fee_due=catalog_total, fee_basis=pending_basis())
    late, free_reason = spec.timeliness(data, received_on)
    declared = {name: value.isoformat() for name, value in data.items()}
    if free_reason:
        return ReceptionFee(fee_due=0, fee_exemption=free_reason, declared_data=declared)
    basis = kinds.late_fee_basis(kind) if late else kinds.catalog_fee_basis()
    return ReceptionFee(fee_due=catalog_total, fee_basis=basis, declared_data=declared)


register_reception_extension(name="civil_registry", fields=counter_fields, quote=counter_fee)
