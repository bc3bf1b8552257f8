"""URLs of the electronic exchange (edXML) app."""

app_name = "interop"

urlpatterns: list = []
