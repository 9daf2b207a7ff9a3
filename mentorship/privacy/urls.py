from django.urls import path

from mentorship.privacy import views

app_name = "privacy"

urlpatterns = [
    path("profile/data/", views.my_data, name="my_data"),
    path("profile/data/download/", views.my_data_download, name="download"),
    path("profile/data/delete/", views.erasure_request, name="erasure_request"),
    path("profile/data/delete/withdraw/", views.erasure_withdraw, name="erasure_withdraw"),
    path("manage/deletions/", views.erasure_queue, name="queue"),
    path("manage/deletions/<int:pk>/confirm/", views.erasure_confirm, name="confirm"),
]
