from django.urls import path

from linli.notifications import views

app_name = "notifications"
urlpatterns: list = []
