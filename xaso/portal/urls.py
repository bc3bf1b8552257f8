"""Public pages (no login), namespace "portal"."""

app_name = "portal"

urlpatterns: list = []
