"""Menu entries of the civil registry and its link from birth dossiers."""

from django.utils.translation import gettext_lazy as _

from xaso.core.navigation import NavItem
from xaso.core.navigation import register_nav_item
from xaso.dossiers.extensions import DossierLink
from xaso.dossiers.extensions import register_dossier_link

SECTION = _("Hộ tịch")

register_nav_item(
    NavItem(
        _("Sổ đăng ký khai sinh"),
        "civil_registry:register_list",
        ("civil_registry.view_civil_registers", "civil_registry.register_civil_status"),
        SECTION,
        20,
    )
)


def _not_registered_yet(dossier: object) -> bool:
    from xaso.civil_registry.models import BirthEntry

    return not BirthEntry.objects.filter(dossier=dossier).exists()


# From a birth-registration dossier's page straight to the pre-filled register form.
register_dossier_link(
    DossierLink(
        label=_("Đăng ký khai sinh vào sổ hộ tịch"),
        url_name="civil_registry:birth_from_dossier",
        procedure_codes=frozenset({"1.001193"}),
        permission="civil_registry.register_civil_status",
        condition=_not_registered_yet,
    )
)
