"""URLs of the weekly work calendar app."""

app_name = "work_calendar"

urlpatterns: list = []
