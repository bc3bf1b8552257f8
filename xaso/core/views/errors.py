"""Vietnamese error pages. The 500 page renders without context processors or the DB."""

from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No RequestContext: the failure may come from the database or a context processor.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
