"""Insights pages. They sit under /programs/, beside the program management pages they belong to."""

from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("manage/insights/", views.overview, name="overview"),
    path("manage/insights/at-risk/", views.at_risk_list, name="at_risk"),
    path("manage/insights/at-risk.csv", views.at_risk_csv, name="at_risk_csv"),
    path("manage/insights/pairs/<int:pk>/", views.pair, name="pair"),
    path("manage/insights/pairs/<int:pk>/nudge/", views.pair_nudge, name="pair_nudge"),
    path("manage/insights/pairs/<int:pk>/pause/", views.pair_pause, name="pair_pause"),
    path("manage/insights/pairs/<int:pk>/end/", views.pair_end, name="pair_end"),
    path("manage/insights/pairs/<int:pk>/rematch/", views.pair_rematch, name="pair_rematch"),
    path("<slug:slug>/manage/insights/", views.dashboard, name="dashboard"),
    path("<slug:slug>/manage/insights/relationships.csv", views.relationships_csv, name="relationships_csv"),
    path("<slug:slug>/manage/insights/funnel.csv", views.funnel_csv, name="funnel_csv"),
]
