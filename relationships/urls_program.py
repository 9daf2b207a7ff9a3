"""Relationship pages that hang under a program's management area."""

from django.urls import path

from relationships import views_program

app_name = "program_relationships"

urlpatterns = [
    path("<slug:slug>/manage/relationships/", views_program.program_relationships, name="program"),
]
