"""Menu entries of the work calendar."""

from django.utils.translation import gettext_lazy as _

from xaso.core.navigation import NavItem
from xaso.core.navigation import register_nav_item

SECTION = _("Điều hành")

register_nav_item(
    NavItem(
        _("Lịch công tác tuần"),
        "work_calendar:week",
        "work_calendar.view_work_calendar",
        SECTION,
        40,
    )
)
register_nav_item(
    NavItem(
        _("Lịch của tôi trên điện thoại"),
        "work_calendar:my_feed",
        "work_calendar.view_work_calendar",
        SECTION,
        41,
    )
)
register_nav_item(
    NavItem(
        _("Màn hình lịch công tác"),
        "work_calendar:display_settings",
        "work_calendar.manage_calendar_display",
        SECTION,
        42,
    )
)
