"""Menu entries of the one-stop desk (shown by permission)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.navigation import NavItem
from xaso.core.navigation import register_nav_item

SECTION = _("Một cửa")

register_nav_item(
    NavItem(_("Tiếp nhận hồ sơ"), "dossiers:reception", "dossiers.receive_dossier", SECTION, 10)
)
# Whoever can hold a step of a dossier: officials, leaders and the counter.
HANDLERS = (
    "dossiers.process_dossier",
    "dossiers.approve_dossier",
    "dossiers.receive_dossier",
    "dossiers.return_result",
)
register_nav_item(NavItem(_("Việc của tôi"), "dossiers:inbox", HANDLERS, SECTION, 11))
register_nav_item(
    NavItem(
        pgettext_lazy("one-stop dossiers", "Hồ sơ"),
        "dossiers:dossier_list",
        (*HANDLERS, "dossiers.view_all_dossiers"),
        SECTION,
        12,
    )
)
register_nav_item(
    NavItem(
        _("Người nộp hồ sơ"),
        "applicants:applicant_list",
        "applicants.manage_applicants",
        SECTION,
        13,
    )
)
register_nav_item(
    NavItem(_("Sổ theo dõi hồ sơ"), "dossiers:book", "dossiers.view_all_dossiers", SECTION, 14)
)
register_nav_item(
    NavItem(_("Thống kê một cửa"), "dossiers:statistics", "dossiers.view_all_dossiers", SECTION, 15)
)
register_nav_item(
    NavItem(
        _("Danh mục thủ tục"), "dossiers:procedure_list", "dossiers.manage_catalog", SECTION, 16
    )
)
register_nav_item(
    NavItem(
        _("Đánh giá hài lòng"),
        "dossiers:rating_statistics",
        "dossiers.view_all_dossiers",
        SECTION,
        17,
    )
)
