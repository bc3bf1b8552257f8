from django.urls import path

from xaso.core.views import dashboard

urlpatterns = [
    path("", dashboard.home, name="home"),
]
