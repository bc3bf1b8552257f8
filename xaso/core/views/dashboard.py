"""The home page: a dashboard whose widgets depend on the user's permissions."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render

from xaso.core.dashboard import widgets_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"widgets": widgets_for(request.user)})
