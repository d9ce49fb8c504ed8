from django.urls import path

from lotse.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:import_pk>/columns/", views.mapping, name="mapping"),
    path("<int:import_pk>/", views.run, name="run"),
    path("<int:import_pk>/start/", views.start, name="start"),
]
