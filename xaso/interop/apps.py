from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "xaso.interop"
    label = "interop"
    verbose_name = _("Liên thông")

    def ready(self) -> None:
        from xaso.interop import dossier_transfer
        from xaso.interop import navigation  # noqa: F401  (menu entry)
        from xaso.interop.documents_exchange import register as register_documents_exchange

        dossier_transfer.register()
        register_documents_exchange()
