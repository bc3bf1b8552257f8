"""Applicant directory pages, namespace "applicants" (mounted at /nguoi-nop/)."""

from django.urls import path

from xaso.applicants import views

app_name = "applicants"

urlpatterns = [
    path("", views.applicant_list, name="applicant_list"),
    path("them/", views.applicant_create, name="applicant_create"),
    path("doc-ma-qr/", views.applicant_parse_qr, name="applicant_parse_qr"),
    path("<int:pk>/", views.applicant_detail, name="applicant_detail"),
    path("<int:pk>/sua/", views.applicant_update, name="applicant_update"),
]
