from django.urls import path, re_path

from linli.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.board, name="board"),
    # A slug, Unicode letters allowed (community codes such as "c-甲" exist in data).
    re_path(r"^c/(?P<community_code>[-\w]+)/$", views.public_board, name="public_board"),
    path("n/<uuid:public_id>/", views.detail, name="detail"),
    path("n/<uuid:public_id>/pdf/", views.pdf, name="pdf"),
    path("n/<uuid:public_id>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:pk>/edit/", views.edit, name="edit"),
    path("manage/<int:pk>/attach/", views.attach, name="attach"),
    path("manage/<int:pk>/files/<int:attachment_id>/remove/", views.detach, name="detach"),
    path("manage/<int:pk>/publish/", views.publish, name="publish"),
    path("manage/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
