"""The public week of a unit, without login (mounted at /cong-khai/lich-cong-tac/)."""

from django.urls import path

from xaso.work_calendar import views_public

app_name = "work_calendar_public"

urlpatterns = [
    path("<int:unit_code>/", views_public.public_week, name="week"),
]
