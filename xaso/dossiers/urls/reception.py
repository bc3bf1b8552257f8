"""URLs: reception (see xaso/dossiers/urls/__init__.py)."""

urlpatterns: list = []
