"""URLs: calendar (see xaso/core/urls/__init__.py)."""

urlpatterns: list = []
