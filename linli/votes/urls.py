"""Pages of owners' decisions. Each view module declares its own `urlpatterns`."""

from linli.votes import views_public, views_resident, views_staff, views_workflows

app_name = "votes"
urlpatterns = [
    *views_staff.urlpatterns,
    *views_workflows.urlpatterns,
    *views_public.urlpatterns,
    *views_resident.urlpatterns,
]
