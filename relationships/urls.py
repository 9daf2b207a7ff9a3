from django.urls import path

from relationships import views

app_name = "relationships"

urlpatterns = [
    path("", views.relationship_list, name="list"),
    path("<int:pk>/", views.relationship_detail, name="detail"),
    path("<int:pk>/goals/new/", views.goal_edit, name="goal_new"),
    path("<int:pk>/goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("<int:pk>/goals/<int:goal_id>/comment/", views.goal_comment, name="goal_comment"),
    path("<int:pk>/goals/<int:goal_id>/milestones/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/milestones/<int:milestone_id>/toggle/", views.milestone_toggle, name="milestone_toggle"),
    path("<int:pk>/agreement/edit/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/agreement/<int:version>/", views.agreement_version, name="agreement_version"),
    path("<int:pk>/agreement/<int:version>/accept/", views.agreement_accept, name="agreement_accept"),
    path("<int:pk>/advocacy/new/", views.advocacy_edit, name="advocacy_new"),
    path("<int:pk>/advocacy/<int:action_id>/edit/", views.advocacy_edit, name="advocacy_edit"),
    path("<int:pk>/advocacy/<int:action_id>/followup/", views.advocacy_followup, name="advocacy_followup"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/notes/<int:note_id>/delete/", views.note_delete, name="note_delete"),
    path("<int:pk>/pause/", views.relationship_pause, name="pause"),
    path("<int:pk>/resume/", views.relationship_resume, name="resume"),
    path("<int:pk>/end/", views.relationship_end, name="end"),
    path("<int:pk>/reflection/", views.reflection, name="reflect"),
]
