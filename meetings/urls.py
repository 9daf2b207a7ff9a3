from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("schedule/<int:relationship_pk>/", views.schedule, name="schedule"),
    path("series/<int:pk>/edit/", views.series_edit, name="series_edit"),
    path("series/<int:pk>/end/", views.series_end, name="series_end"),
    path("series/<int:pk>/calendar.ics", views.series_ics, name="series_ics"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/calendar.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("agenda/<int:item_pk>/<str:action>/", views.agenda_change, name="agenda_change"),
    path("<int:pk>/wrap-up/", views.wrap_up, name="wrap_up"),
    path("action-items/new/<int:relationship_pk>/", views.action_item_add, name="action_item_add"),
    path("action-items/<int:pk>/status/", views.action_item_status, name="action_item_status"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
]
