from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "xaso.signatures"
    label = "signatures"
    verbose_name = _("Chữ ký số")

    def ready(self) -> None:
        from xaso.signatures import dashboard_widgets  # noqa: F401  (home-page widget)
        from xaso.signatures import navigation  # noqa: F401  (menu entries)
