from django.urls import path

from linli.registry import roster_views, views

app_name = "registry"
urlpatterns: list = [
    # Browsing: estate → building → entrance → units (views.py)
    # Roster import/export (roster_views.py)
]
