"""URLs of the electronic exchange (edXML) app."""

from django.urls import path

from xaso.interop import pages
from xaso.interop import views

app_name = "interop"

urlpatterns = [
    # Where other agencies (other XãSố deployments, gateways) POST edXML packages.
    path("edxml/", views.receive, name="receive"),
    path("", pages.exchange_list, name="exchange_list"),
    path("gui/<int:pk>/", pages.outbound_detail, name="outbound_detail"),
    path("gui/<int:pk>/gui-lai/", pages.outbound_retry, name="outbound_retry"),
    path("gui/<int:pk>/tai-ve/", pages.outbound_download, name="outbound_download"),
    path("nhan/<int:pk>/tai-ve/", pages.inbound_download, name="inbound_download"),
]
