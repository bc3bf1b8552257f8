"""Template context shared by every staff page."""

from django.http import HttpRequest
from django.urls import NoReverseMatch
from django.urls import reverse

from xaso.core.navigation import nav_items


def _allowed(user: object, permission: str | tuple[str, ...] | None) -> bool:
    if permission is None:
        return True
    if isinstance(permission, tuple):
        return any(user.has_perm(p) for p in permission)  # type: ignore[attr-defined]
    return user.has_perm(permission)  # type: ignore[attr-defined]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for item in nav_items():
        if not _allowed(user, item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": item.label,
                "url": url,
                "section": item.section,
                "active": request.path == url or (url != "/" and request.path.startswith(url)),
            }
        )
    return {"nav_items": items, "current_unit": user.unit}
