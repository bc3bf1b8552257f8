"""URLs of the documents (incoming and outgoing registers) app."""

app_name = "documents"

urlpatterns: list = []
