"""Applicant directory pages, namespace "applicants"."""

app_name = "applicants"

urlpatterns: list = []
