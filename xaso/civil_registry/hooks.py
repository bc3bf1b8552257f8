"""The civil registry's approval hooks on one-stop dossiers (registered at start-up)."""

from xaso.civil_registry import kinds
from xaso.civil_registry import mapping
from xaso.civil_registry import services
from xaso.dossiers.extensions import register_approval_hook

# The leader's approval of a hộ tịch dossier creates its register entry (or correction).
register_approval_hook(
    name="civil_registry.register",
    procedure_codes=mapping.registration_codes,
    hook=services.register_on_approval,
)
# The approval of an extract-copy dossier (2.000635) issues the numbered copy.
register_approval_hook(
    name="civil_registry.extract_copy",
    procedure_codes=frozenset({kinds.EXTRACT_PROCEDURE_CODE}),
    hook=services.issue_extract_on_approval,
)
