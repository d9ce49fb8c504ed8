from django.urls import path

from lotse.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("offices/<int:office_pk>/", views.office_detail, name="office"),
    path("providers/<int:provider_pk>/", views.provider_detail, name="provider"),
    path("districts/<int:district_pk>/", views.district_detail, name="district"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/<slug:programme_key>/", views.programme_detail, name="programme"),
]
