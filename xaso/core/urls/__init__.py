"""URLs of the kernel pages; one module per area, combined under the "core" namespace."""

from xaso.core.urls import accounts
from xaso.core.urls import audit
from xaso.core.urls import auth
from xaso.core.urls import calendar
from xaso.core.urls import dashboard
from xaso.core.urls import health
from xaso.core.urls import units

app_name = "core"

urlpatterns = [
    *dashboard.urlpatterns,
    *health.urlpatterns,
    *auth.urlpatterns,
    *accounts.urlpatterns,
    *calendar.urlpatterns,
    *units.urlpatterns,
    *audit.urlpatterns,
]
