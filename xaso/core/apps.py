from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xaso.core"
    label = "core"
    verbose_name = _("Hạt nhân hệ thống")

    def ready(self) -> None:
        # Connects django-axes lockout signals to the audit trail (an extension point,
        # not domain flow: axes offers no other hook).
        # The kernel's home-page widgets; other apps register theirs the same way.
        from xaso.core import dashboard_widgets  # noqa: F401
        from xaso.core import signal_handlers  # noqa: F401
