from django.urls import path

from linli.registry import views

app_name = "registry"
urlpatterns: list = []
