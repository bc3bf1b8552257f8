"""Public URLs: urls_lookup (see xaso/portal/urls.py)."""

urlpatterns: list = []
