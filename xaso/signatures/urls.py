"""URLs of the digital signatures app."""

app_name = "signatures"

urlpatterns: list = []
