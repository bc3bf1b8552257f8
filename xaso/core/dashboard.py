"""Home-page widgets. Each widget has a permission and builds its context from real data.

Apps add widgets from `AppConfig.ready()` with `register_widget`; the kernel never imports them.
A builder returns None to hide its widget (nothing to show is better than an empty box).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xaso.core.models import User

WidgetBuilder = Callable[[User], dict[str, Any] | None]


@dataclass(frozen=True)
class Widget:
    key: str
    template: str
    build: WidgetBuilder
    permission: str | None = None  # None: every staff member with a unit
    order: int = 100


_WIDGETS: dict[str, Widget] = {}


def register_widget(widget: Widget) -> None:
    _WIDGETS[widget.key] = widget


def widgets_for(user: User) -> list[dict[str, Any]]:
    """The rendered-context list of widgets `user` may see, in display order."""
    shown = []
    for widget in sorted(_WIDGETS.values(), key=lambda w: (w.order, w.key)):
        if widget.permission and not user.has_perm(widget.permission):
            continue
        context = widget.build(user)
        if context is not None:
            shown.append({"key": widget.key, "template": widget.template, **context})
    return shown
