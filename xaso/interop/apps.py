from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "xaso.interop"
    label = "interop"
    verbose_name = _("Liên thông")

    def ready(self) -> None:
        from xaso.interop import navigation  # noqa: F401  (menu entry)
