"""Vietnamese labels of the audit action codes, for the audit pages.

Codes are stable English identifiers stored in `AuditEvent.action`; only their display
changes here. Apps add their own codes with `register_audit_labels` from
`AppConfig.ready()`, so the kernel never imports them. A code without a label is shown
as it is, so an event is never hidden for lack of a translation.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xaso.core.search import normalize_search_text

_LABELS: dict[str, str | Promise] = {
    "auth.login": _("Đăng nhập"),
    "auth.login_failed": _("Đăng nhập không thành công"),
    "auth.locked_out": _("Tạm khóa đăng nhập do nhập sai nhiều lần"),
    "auth.logout": _("Đăng xuất"),
    "account.created": _("Tạo tài khoản"),
    "account.updated": _("Sửa tài khoản"),
    "account.disabled": _("Vô hiệu hóa tài khoản"),
    "account.enabled": _("Kích hoạt lại tài khoản"),
    "account.unlocked": _("Mở khóa đăng nhập"),
    "account.two_factor_reset": _("Đặt lại xác thực hai lớp"),
    "calendar.override_added": _("Thêm ngày điều chỉnh lịch làm việc"),
    "calendar.override_deleted": _("Xóa ngày điều chỉnh lịch làm việc"),
    "calendar.year_approved": _("Phê duyệt lịch làm việc năm"),
    "unit.updated": _("Sửa thông tin đơn vị"),
    "unit.agency_identifier_added": _("Thêm mã định danh cơ quan"),
    "unit.agency_identifier_updated": _("Sửa mã định danh cơ quan"),
}


def register_audit_labels(labels: dict[str, str | Promise]) -> None:
    """Add labels for an app's action codes (existing codes keep their label)."""
    for code, label in labels.items():
        _LABELS.setdefault(code, label)


def audit_action_label(code: str) -> str:
    """The Vietnamese label of `code`, or the code itself when it has none."""
    label = _LABELS.get(code)
    return str(label) if label is not None else code


def audit_action_choices(codes: list[str]) -> list[tuple[str, str]]:
    """(code, label) pairs for a select of the given codes, in Vietnamese alphabetical order.

    Sorted on the label without diacritics: a plain sort puts "Đ" after "Z".
    """
    pairs = [(code, audit_action_label(code)) for code in codes]
    return sorted(pairs, key=lambda pair: (normalize_search_text(pair[1]), pair[0]))
