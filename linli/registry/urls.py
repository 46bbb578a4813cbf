from django.urls import path

from linli.registry import roster_views, views

app_name = "registry"
urlpatterns: list = [
    # Browsing: estate → building → entrance → units (views.py)
    path("estates/", views.estates, name="estates"),
    path("estates/<int:estate_id>/", views.estate, name="estate"),
    path("buildings/<int:building_id>/", views.building, name="building"),
    path("entrances/<int:entrance_id>/", views.entrance, name="entrance"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("persons/<int:person_id>/", views.person, name="person"),
    path("persons/<int:person_id>/reveal/", views.person_reveal, name="person_reveal"),
    # Roster import/export (roster_views.py)
    path("communities/<int:community_id>/roster/", roster_views.roster_page, name="roster"),
    path(
        "communities/<int:community_id>/roster/template.xlsx",
        roster_views.roster_template,
        name="roster_template",
    ),
    path(
        "communities/<int:community_id>/roster/export.xlsx",
        roster_views.roster_export,
        name="roster_export",
    ),
]
