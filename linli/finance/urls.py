"""Pages of sunshine finance. Each view module declares its own `urlpatterns`."""

from linli.finance import views_public, views_resident, views_staff

app_name = "finance"
urlpatterns = [
    *views_staff.urlpatterns,
    *views_public.urlpatterns,
    *views_resident.urlpatterns,
]
