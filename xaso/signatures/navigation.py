"""Menu entries of the signatures app."""

from django.utils.translation import gettext_lazy as _

from xaso.core.navigation import NavItem
from xaso.core.navigation import register_nav_item

SECTION = _("Chữ ký số")

register_nav_item(
    NavItem(_("Ký số tệp PDF"), "signatures:sign", "signatures.sign_documents", SECTION, 60)
)
register_nav_item(
    NavItem(
        _("Chờ ký số của cơ quan"),
        "signatures:seal_queue",
        "signatures.seal_for_organisation",
        SECTION,
        59,
    )
)
register_nav_item(
    NavItem(
        _("Kiểm tra chữ ký số"), "signatures:verify", "signatures.verify_signatures", SECTION, 61
    )
)
register_nav_item(
    NavItem(_("Chứng thư số của tôi"), "signatures:my_certificates", None, SECTION, 62)
)
register_nav_item(
    NavItem(
        _("Chứng thư tin cậy"),
        "signatures:trust_anchors",
        "signatures.manage_trust_anchors",
        SECTION,
        63,
    )
)
