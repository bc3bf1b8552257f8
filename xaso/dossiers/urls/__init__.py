"""Staff pages of the one-stop desk, one module per area, namespace "dossiers"."""

from xaso.dossiers.urls import catalog
from xaso.dossiers.urls import files
from xaso.dossiers.urls import processing
from xaso.dossiers.urls import reception
from xaso.dossiers.urls import reports
from xaso.dossiers.urls import results

app_name = "dossiers"

urlpatterns = [
    *catalog.urlpatterns,
    *reception.urlpatterns,
    *processing.urlpatterns,
    *results.urlpatterns,
    *reports.urlpatterns,
    *files.urlpatterns,
]
