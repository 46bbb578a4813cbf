from django.urls import path

from linli.accounts import home_views, views

app_name = "accounts"
urlpatterns: list = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.sms_send, name="sms_send"),
    path("logout/", views.logout_view, name="logout"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("language/", views.language, name="language"),
    path("me/", views.profile, name="profile"),
    path("me/consents/", views.consent_give, name="consent_give"),
    path("me/consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("me/tokens/", views.api_token_create, name="api_token_create"),
    path("me/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("privacy/", views.privacy, name="privacy"),
    path("consent/paper/<int:person_id>/", views.consent_paper, name="consent_paper"),
    # The landing pages (home_views.py).
    path("home/", home_views.my_home, name="my_home"),
    path("console/", home_views.console, name="console"),
    path("console/audit/", home_views.audit_log, name="audit"),
]
