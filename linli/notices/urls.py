from django.urls import path

from linli.notices import views

app_name = "notices"
urlpatterns: list = []
