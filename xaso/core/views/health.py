"""Health checks for load balancers and benchmarks."""

from django.db import connection
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches no database (the benchmark's baseline)."""
    return HttpResponse("ok", content_type="text/plain")


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"database": "ok"})
