from django.urls import path

from lotse.cases import views

app_name = "cases"
urlpatterns = [
    path("open/<int:client_pk>/", views.open_case, name="open"),
    path("team/", views.team, name="team"),
    path("<int:case_pk>/reassign/", views.reassign, name="reassign"),
    path("<int:case_pk>/", views.case_detail, name="detail"),
    path("<int:case_pk>/assessment/", views.assessment, name="assessment"),
    path("<int:case_pk>/phase/", views.phase, name="phase"),
    path("<int:case_pk>/extend/", views.extend, name="extend"),
    path("<int:case_pk>/goals/", views.goal_add, name="goal_add"),
    path("<int:case_pk>/goals/<int:goal_pk>/status/", views.goal_status, name="goal_status"),
    path("<int:case_pk>/steps/", views.step_add, name="step_add"),
    path("<int:case_pk>/steps/<int:step_pk>/status/", views.step_status, name="step_status"),
    path("<int:case_pk>/agreement/", views.agreement, name="agreement"),
    path("<int:case_pk>/reviews/", views.review, name="review"),
    path("<int:case_pk>/close/", views.close, name="close"),
    path("<int:case_pk>/reopen/", views.reopen, name="reopen"),
    path("<int:case_pk>/revisions/", views.revisions, name="revisions"),
    path("<int:case_pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("<int:case_pk>/plan/", views.plan_print, name="plan_print"),
]
