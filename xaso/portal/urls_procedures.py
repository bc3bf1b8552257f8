"""Public URLs: urls_procedures (see xaso/portal/urls.py)."""

urlpatterns: list = []
