from django.urls import path

from programs import views, views_manage, views_setup

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("manage/", views_manage.manage_list, name="manage_list"),
    path("manage/new/", views_manage.program_create, name="create"),
    path("manage/setup/", views_setup.setup_new, name="setup_new"),
    path("invitations/<str:token>/", views.invitation_open, name="invitation"),
    path("<slug:slug>/", views.program_detail, name="detail"),
    path("<slug:slug>/apply/<str:role>/", views.program_apply, name="apply"),
    path("<slug:slug>/enrollments/<int:pk>/withdraw/", views.enrollment_withdraw, name="withdraw"),
    path("<slug:slug>/manage/", views_manage.program_manage, name="manage"),
    path("<slug:slug>/manage/edit/", views_manage.program_edit, name="edit"),
    path("<slug:slug>/manage/setup/<str:step>/", views_setup.setup, name="setup"),
    path("<slug:slug>/manage/status/", views_manage.program_status, name="status"),
    path("<slug:slug>/manage/questions/", views_manage.program_questions, name="questions"),
    path("<slug:slug>/manage/invite/", views_manage.program_invite, name="invite"),
    path("<slug:slug>/manage/invitations/", views_manage.program_invitations, name="invitations"),
    path("<slug:slug>/manage/jobs/<int:pk>/", views_manage.job_progress, name="job"),
    path("<slug:slug>/manage/jobs/<int:pk>/status/", views_manage.job_status, name="job_status"),
    path("<slug:slug>/manage/jobs/<int:pk>/result/", views_manage.job_result, name="job_result"),
    path("<slug:slug>/manage/roster/", views_manage.program_roster, name="roster"),
    path("<slug:slug>/manage/roster/decide/", views_manage.program_decide, name="decide"),
]
