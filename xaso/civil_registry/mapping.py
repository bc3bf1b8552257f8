"""Which procedures of a unit's catalog register in which register kind (unit data).

The unit's administrator maps its catalog's procedures to the register kinds on the
settings page (RegisterProcedure rows; several procedures may register in one kind). Until
the map is saved once, the procedures with the known national codes register by default
(kinds.KindSpec.procedure_codes), the correction kind — national code Unknown — through the
seed catalog's local code and the deployment setting XASO_CIVIL_CORRECTION_PROCEDURE_CODES.
"""

from xaso.civil_registry import kinds
from xaso.civil_registry.models import CivilRegistrySettings
from xaso.civil_registry.models import RegisterProcedure
from xaso.dossiers.models import Procedure


def map_saved(unit_id: int) -> bool:
    return CivilRegistrySettings.objects.filter(unit_id=unit_id, procedure_map_saved=True).exists()


def kind_for_procedure(procedure: Procedure) -> str | None:
    """The register kind `procedure`'s dossiers are registered in (None: not hộ tịch)."""
    if map_saved(procedure.unit_id):
        return (
            RegisterProcedure.objects.filter(procedure=procedure)
            .values_list("kind", flat=True)
            .first()
        )
    return kinds.default_kind_for_code(procedure.code)


def kinds_by_procedure(unit_id: int) -> dict[int, str]:
    """Procedure pk → register kind, for every procedure of the unit that registers."""
    if map_saved(unit_id):
        return dict(
            RegisterProcedure.objects.filter(unit_id=unit_id).values_list("procedure_id", "kind")
        )
    result = {}
    for pk, code in Procedure.objects.filter(unit_id=unit_id).values_list("pk", "code"):
        kind = kinds.default_kind_for_code(code)
        if kind is not None:
            result[pk] = kind
    return result


def registration_codes() -> frozenset[str]:
    """Every code any unit registers through (the dossier extensions filter by code first;
    kind_for_procedure then decides for the dossier's own unit)."""
    mapped = RegisterProcedure.objects.values_list("procedure__code", flat=True)
    return kinds.default_registration_codes() | frozenset(mapped)
