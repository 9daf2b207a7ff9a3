"""Matching pages. They sit under /programs/, beside the program pages they belong to."""

from django.urls import path

from matching import views, views_pairing

app_name = "matching"

urlpatterns = [
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/<str:action>/", views.proposal_respond, name="proposal_respond"),
    path("<slug:slug>/manage/matching/", views.matching_review, name="review"),
    path("<slug:slug>/manage/matching/publish/", views.matching_publish, name="publish"),
    path("<slug:slug>/manage/relationships/", views_pairing.program_relationships, name="relationships"),
    path("<slug:slug>/mentors/", views.choose_mentor, name="choose"),
]
