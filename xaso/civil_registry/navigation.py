"""Menu entries of the civil registry (shown by permission)."""

from django.utils.translation import gettext_lazy as _

from xaso.core.navigation import NavItem
from xaso.core.navigation import register_nav_item

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
