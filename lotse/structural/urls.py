from django.urls import path

from lotse.structural import views

app_name = "structural"
urlpatterns = [
    path("", views.activities, name="activities"),
    path("activities/new/", views.activity_edit, name="activity_create"),
    path("activities/<int:activity_pk>/", views.activity_edit, name="activity_edit"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("volunteers/new/", views.volunteer_create, name="volunteer_create"),
    path("volunteers/<int:volunteer_pk>/", views.volunteer_detail, name="volunteer"),
    path("matches/new/<int:client_pk>/", views.match_create, name="match_create"),
    path("matches/<int:match_pk>/end/", views.match_end, name="match_end"),
]
