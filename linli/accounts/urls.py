from django.urls import path

from linli.accounts import views

app_name = "accounts"
urlpatterns: list = []
