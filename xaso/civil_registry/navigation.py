"""Menu entries of the civil registry and its links from hộ tịch dossiers."""

from django.utils.translation import gettext_lazy as _

from xaso.core.audit_labels import register_audit_labels
from xaso.core.navigation import NavItem
from xaso.core.navigation import register_nav_item
from xaso.dossiers.extensions import DossierLink
from xaso.dossiers.extensions import register_dossier_link

SECTION = _("Hộ tịch")

register_audit_labels(
    {
        "civil_registry.registration_prepared": _("Lập tờ đăng ký hộ tịch"),
        "civil_registry.entry_registered": _("Ghi việc hộ tịch vào sổ"),
        "civil_registry.entry_corrected": _("Thay đổi, cải chính việc hộ tịch (phiên bản mới)"),
        "civil_registry.extract_requested": _("Tiếp nhận yêu cầu cấp bản sao trích lục"),
        "civil_registry.extract_issued": _("Cấp bản sao trích lục hộ tịch"),
        "civil_registry.settings_changed": _("Sửa cài đặt hộ tịch của đơn vị"),
    }
)
VIEW_PERMISSIONS = ("civil_registry.view_civil_registers", "civil_registry.register_civil_status")

register_nav_item(
    NavItem(_("Tra cứu sổ hộ tịch"), "civil_registry:register_list", VIEW_PERMISSIONS, SECTION, 20)
)
register_nav_item(
    NavItem(
        _("In, xuất sổ hộ tịch"), "civil_registry:register_print", VIEW_PERMISSIONS, SECTION, 21
    )
)
register_nav_item(
    NavItem(
        _("Cài đặt hộ tịch"),
        "civil_registry:unit_settings",
        ("civil_registry.manage_civil_registry_settings",),
        SECTION,
        22,
    )
)


def _registers_here(dossier: object) -> bool:
    """The dossier's procedure registers in a register kind in its own unit's mapping."""
    from xaso.civil_registry import mapping

    return mapping.kind_for_procedure(dossier.procedure) is not None  # type: ignore[attr-defined]


def _not_registered_yet(dossier: object) -> bool:
    from xaso.civil_registry.models import CivilEntry

    return _registers_here(dossier) and not CivilEntry.objects.filter(dossier=dossier).exists()


def _registration_codes() -> frozenset[str]:
    from xaso.civil_registry import mapping

    return mapping.registration_codes()


# From a hộ tịch dossier's page straight to the pre-filled registration (or correction) form.
register_dossier_link(
    DossierLink(
        label=_("Lập tờ đăng ký hộ tịch"),
        url_name="civil_registry:prepare_from_dossier",
        procedure_codes=_registration_codes,
        permission="civil_registry.register_civil_status",
        condition=_not_registered_yet,
    )
)


def _registered(dossier: object) -> bool:
    from xaso.civil_registry.models import CivilEntry
    from xaso.civil_registry.models import ExtractCopy

    return (
        CivilEntry.objects.filter(dossier=dossier).exists()
        or ExtractCopy.objects.filter(dossier=dossier).exists()
    )


def _all_codes() -> frozenset[str]:
    from xaso.civil_registry import kinds
    from xaso.civil_registry import mapping

    return mapping.registration_codes() | {kinds.EXTRACT_PROCEDURE_CODE}


# Once approved: from the dossier to its register entry (or its extract copy) to print it.
register_dossier_link(
    DossierLink(
        label=_("Xem, in giấy tờ hộ tịch"),
        url_name="civil_registry:record_for_dossier",
        procedure_codes=_all_codes,
        permission="civil_registry.view_civil_registers",
        condition=_registered,
    )
)


def _prepared_not_registered(dossier: object) -> bool:
    from xaso.civil_registry.models import PreparedRegistration

    return (
        _not_registered_yet(dossier)
        and PreparedRegistration.objects.filter(dossier=dossier).exists()
    )


# The leader reads what will be entered in the register before approving.
register_dossier_link(
    DossierLink(
        label=_("Xem tờ đăng ký hộ tịch đã lập"),
        url_name="civil_registry:prepared_detail",
        procedure_codes=_registration_codes,
        permission="civil_registry.view_civil_registers",
        condition=_prepared_not_registered,
    )
)
