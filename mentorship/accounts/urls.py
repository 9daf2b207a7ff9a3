from django.urls import path

from mentorship.accounts import views

urlpatterns = [
    path("", views.profile_detail, name="profile_detail"),
    path("edit/", views.profile_edit, name="profile_edit"),
    path("availability/", views.availability_edit, name="availability_edit"),
    path("skills/", views.skill_suggestions, name="skill_suggestions"),
]
