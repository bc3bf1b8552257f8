"""URLs: calendar (see xaso/core/urls/__init__.py)."""

from django.urls import path

from xaso.core.views import calendar

urlpatterns = [
    path("lich-lam-viec/", calendar.calendar_year, name="calendar_year"),
    path(
        "lich-lam-viec/dieu-chinh/them/",
        calendar.calendar_override_add,
        name="calendar_override_add",
    ),
    path(
        "lich-lam-viec/dieu-chinh/<int:pk>/xoa/",
        calendar.calendar_override_delete,
        name="calendar_override_delete",
    ),
    path("lich-lam-viec/duyet-nam/", calendar.calendar_year_approve, name="calendar_year_approve"),
]
