from django.urls import path

from lotse.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:run_pk>/", views.run, name="run"),
    path("runs/<int:run_pk>.<str:fmt>", views.export, name="export"),
    path("quality/", views.quality_view, name="quality"),
]
