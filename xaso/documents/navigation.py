"""Menu entries of the documents app (shown by permission)."""

from django.utils.translation import gettext_lazy as _

from xaso.core.navigation import NavItem
from xaso.core.navigation import register_nav_item

SECTION = _("Văn bản")
USE = (
    "documents.view_document_registers",
    "documents.register_documents",
    "documents.handle_documents",
    "documents.assign_documents",
)
TRACK = ("documents.assign_documents", "documents.view_document_registers")

register_nav_item(NavItem(_("Việc văn bản của tôi"), "documents:inbox", USE[2:], SECTION, 30))
register_nav_item(NavItem(_("Văn bản đến"), "documents:incoming_list", USE, SECTION, 31))
register_nav_item(
    NavItem(
        _("Văn bản đi"),
        "documents:outgoing_list",
        (*USE, "documents.approve_documents"),
        SECTION,
        32,
    )
)
register_nav_item(NavItem(_("Theo dõi giải quyết"), "documents:pending", TRACK, SECTION, 33))
register_nav_item(NavItem(_("Văn bản quá hạn"), "documents:overdue", TRACK, SECTION, 34))
register_nav_item(NavItem(_("Hồ sơ công việc"), "documents:work_file_list", USE, SECTION, 35))
register_nav_item(
    NavItem(
        _("Thiết lập văn bản"),
        "documents:settings",
        "documents.manage_document_settings",
        _("Hệ thống"),
        83,
    )
)
