"""Menu entry of the electronic exchange."""

from django.utils.translation import gettext_lazy as _

from xaso.core.navigation import NavItem
from xaso.core.navigation import register_nav_item

register_nav_item(
    NavItem(
        _("Liên thông văn bản"),
        "interop:exchange_list",
        "interop.view_exchange",
        _("Văn bản"),
        40,
    )
)
