from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "xaso.work_calendar"
    label = "work_calendar"
    verbose_name = _("Lịch công tác")

    def ready(self) -> None:
        from xaso.work_calendar import dashboard_widgets  # noqa: F401  (home-page widget)
        from xaso.work_calendar import navigation  # noqa: F401  (menu entries)
        from xaso.work_calendar import services  # noqa: F401  (audit labels)
