"""URLs of the electronic exchange (edXML) app."""

from django.urls import path

from xaso.interop import views

app_name = "interop"

urlpatterns = [
    # Where other agencies (other XãSố deployments, gateways) POST edXML packages.
    path("edxml/", views.receive, name="receive"),
]
