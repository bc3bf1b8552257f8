"""Which procedure of a unit's catalog registers in which register kind (unit data).

Each unit's administrator maps its catalog's procedures to the register kinds on the
settings page (RegisterProcedure rows). A kind the unit has not mapped falls back to the
procedure with the known national code (kinds.KindSpec.procedure_codes), and for the
correction kind, whose national code is Unknown, to the seed catalog's local code and the
deployment setting XASO_CIVIL_CORRECTION_PROCEDURE_CODES.
"""

from xaso.civil_registry import kinds
from xaso.civil_registry.models import Kind
from xaso.civil_registry.models import RegisterProcedure
from xaso.dossiers.models import Procedure


def _unit_rows(unit_id: int) -> dict[str, int | None]:
    return dict(
        RegisterProcedure.objects.filter(unit_id=unit_id).values_list("kind", "procedure_id")
    )


def kind_for_procedure(procedure: Procedure) -> str | None:
    """The register kind `procedure`'s dossiers are registered in (None: not hộ tịch)."""
    rows = _unit_rows(procedure.unit_id)
    for kind, procedure_id in rows.items():
        if procedure_id == procedure.pk:
            return kind
    default = kinds.default_kind_for_code(procedure.code)
    if default is not None and default not in rows:
        return default
    return None


def procedures_by_kind(unit_id: int) -> dict[str, Procedure | None]:
    """Every kind → the unit's procedure registering it (mapped, else by default code)."""
    rows = _unit_rows(unit_id)
    catalog = list(Procedure.objects.filter(unit_id=unit_id).order_by("code"))
    by_pk = {procedure.pk: procedure for procedure in catalog}
    result: dict[str, Procedure | None] = {}
    for kind in Kind.values:
        if kind in rows:
            procedure_id = rows[kind]
            result[kind] = by_pk.get(procedure_id) if procedure_id else None
            continue
        result[kind] = next(
            (
                procedure
                for procedure in catalog
                if procedure.is_active
                and kinds.default_kind_for_code(procedure.code) == kind
                and procedure.pk not in rows.values()
            ),
            None,
        )
    return result


def registration_codes() -> frozenset[str]:
    """Every code any unit registers through (the dossier extensions filter by code first;
    kind_for_procedure then decides for the dossier's own unit)."""
    mapped = RegisterProcedure.objects.exclude(procedure=None).values_list(
        "procedure__code", flat=True
    )
    return kinds.default_registration_codes() | frozenset(mapped)
