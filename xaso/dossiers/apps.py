from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "xaso.dossiers"
    label = "dossiers"
    verbose_name = _("Một cửa điện tử")

    def ready(self) -> None:
        from xaso.dossiers import dashboard_widgets  # noqa: F401  (home-page widget)
        from xaso.dossiers import navigation  # noqa: F401  (menu entries)
        from xaso.dossiers import seal_sources  # noqa: F401  (the văn thư's queue)
