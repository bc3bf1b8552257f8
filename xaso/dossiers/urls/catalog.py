"""URLs: catalog (see xaso/dossiers/urls/__init__.py)."""

urlpatterns: list = []
