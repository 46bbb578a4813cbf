"""URL map. Pages live in each app's urls.py; the API lives at /api/v1/ (config/api.py)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from config.api import api

urlpatterns = [
    path("", include("linli.core.urls")),
    path("accounts/", include("linli.accounts.urls")),
    path("registry/", include("linli.registry.urls")),
    path("notices/", include("linli.notices.urls")),
    path("inbox/", include("linli.notifications.urls")),
    path("votes/", include("linli.votes.urls")),
    path("finance/", include("linli.finance.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
