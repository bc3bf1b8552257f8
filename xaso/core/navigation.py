"""The staff menu: each entry is shown only to users holding its permission.

Domain apps add their entries from `AppConfig.ready()` with `register_nav_item`, so the
kernel never imports them.
"""

from dataclasses import dataclass
from dataclasses import field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # None: every signed-in staff member; a tuple: any one of these permissions.
    permission: str | tuple[str, ...] | None = None
    section: str | Promise = field(default_factory=lambda: _("Chung"))
    order: int = 100


_ITEMS: list[NavItem] = []


def register_nav_item(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _ITEMS):
        _ITEMS.append(item)


def nav_items() -> list[NavItem]:
    return sorted(_ITEMS, key=lambda item: (item.order, str(item.label)))


register_nav_item(NavItem(_("Trang chủ"), "core:home", order=0))
register_nav_item(
    NavItem(_("Lịch ngày làm việc"), "core:calendar_year", section=_("Hệ thống"), order=80)
)
register_nav_item(
    NavItem(
        _("Tài khoản cán bộ"),
        "core:account_list",
        permission="core.manage_accounts",
        section=_("Hệ thống"),
        order=81,
    )
)
register_nav_item(
    NavItem(
        _("Thông tin đơn vị"),
        "core:unit_settings",
        permission="core.manage_unit",
        section=_("Hệ thống"),
        order=82,
    )
)
register_nav_item(
    NavItem(
        _("Các xã trong tỉnh"),
        "core:commune_list",
        permission="core.supervise_communes",
        section=_("Giám sát"),
        order=70,
    )
)
register_nav_item(
    NavItem(
        _("Nhật ký hệ thống"),
        "core:audit_list",
        permission="core.view_audit_trail",
        section=_("Hệ thống"),
        order=90,
    )
)
