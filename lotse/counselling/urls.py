from django.urls import path

from lotse.counselling import views

app_name = "counselling"
urlpatterns = [
    path("anonymous/", views.office_contact, {"group": False}, name="anonymous"),
    path("group/", views.office_contact, {"group": True}, name="group"),
]
