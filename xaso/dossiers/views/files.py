"""Downloads of a dossier's files: the scans received at the counter and the result file
(the signed one, and the PDF as recorded before signing).

Whoever may open the dossier page may open its files, and nobody else: the dossier comes
from the same unit-scoped selector as the page (404 for another unit's or a dossier the
official has no part in), the file is looked up among that dossier's own (404 for a guessed
pk of another dossier). Never linked by storage URL (see xaso/core/files.py).
"""

from django.http import FileResponse
from django.http import Http404
from django.http import HttpRequest
from django.views.decorators.http import require_GET

from xaso.core.files import stored_file_response
from xaso.core.models import User
from xaso.dossiers.models import Result
from xaso.dossiers.services import processing
from xaso.dossiers.views.processing import reads_dossiers


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _result_of(request: HttpRequest, pk: int) -> Result:
    dossier = processing.get_dossier_for(user=_actor(request), pk=pk)
    result = Result.objects.filter(dossier=dossier).first()
    if result is None:
        raise Http404
    return result


@require_GET
@reads_dossiers
def document_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """The scan of one received document (bản quét)."""
    dossier = processing.get_dossier_for(user=_actor(request), pk=pk)
    document = dossier.documents.filter(pk=file_pk).first()
    if document is None or not document.file:
        raise Http404
    return stored_file_response(document.file, content_type=document.content_type)


@require_GET
@reads_dossiers
def result_file(request: HttpRequest, pk: int) -> FileResponse:
    """The result file the applicant receives (the signed PDF once signed)."""
    result = _result_of(request, pk)
    return stored_file_response(result.file)


@require_GET
@reads_dossiers
def result_original_file(request: HttpRequest, pk: int) -> FileResponse:
    """The result PDF as recorded, before the digital signatures."""
    return stored_file_response(_result_of(request, pk).original_file)
