"""Public pages (no login), namespace "portal"; one module per area."""

from xaso.portal import urls_lookup
from xaso.portal import urls_procedures

app_name = "portal"

urlpatterns = [*urls_procedures.urlpatterns, *urls_lookup.urlpatterns]
