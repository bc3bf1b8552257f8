from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "xaso.documents"
    label = "documents"
    verbose_name = _("Văn bản và điều hành")

    def ready(self) -> None:
        from xaso.documents import dashboard_widgets  # noqa: F401  (home-page widgets)
        from xaso.documents import navigation  # noqa: F401  (menu entries)
