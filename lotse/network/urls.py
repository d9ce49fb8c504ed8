from django.urls import path

from lotse.network import views

app_name = "network"
urlpatterns = [
    path("services/", views.directory, name="directory"),
    path("services/export.csv", views.directory_export, name="directory_export"),
    path("services/import/", views.directory_import, name="directory_import"),
    path("services/new/", views.service_edit, name="service_create"),
    path("services/<int:service_pk>/", views.service_detail, name="service"),
    path("services/<int:service_pk>/edit/", views.service_edit, name="service_edit"),
    path("referrals/new/<int:client_pk>/", views.referral_create, name="referral_create"),
    path("referrals/<int:referral_pk>/", views.referral_detail, name="referral"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/new/", views.appointment_edit, name="appointment_create"),
    path("appointments/<int:appointment_pk>/", views.appointment_edit, name="appointment"),
    path("follow-ups/new/<int:client_pk>/", views.follow_up_create, name="follow_up_create"),
    path("follow-ups/<int:follow_up_pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("assignments-seen/", views.assignments_seen, name="assignments_seen"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
]
