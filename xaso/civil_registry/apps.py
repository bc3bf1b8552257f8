from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilRegistryConfig(AppConfig):
    name = "xaso.civil_registry"
    label = "civil_registry"
    verbose_name = _("Hộ tịch")

    def ready(self) -> None:
        from xaso.civil_registry import applicant_sections  # noqa: F401  (directory page)
        from xaso.civil_registry import hooks  # noqa: F401  (approval hooks)
        from xaso.civil_registry import navigation  # noqa: F401  (menu entries)
        from xaso.civil_registry import reception  # noqa: F401  (fee quoted at the counter)
        from xaso.civil_registry import seal_sources  # noqa: F401  (the văn thư's queue)
