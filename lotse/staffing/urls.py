from django.urls import path

from lotse.staffing import views

app_name = "staffing"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("positions/", views.positions, name="positions"),
    path("positions/new/", views.position_edit, name="position_create"),
    path("positions/<int:position_pk>/", views.position_edit, name="position"),
    path("positions/<int:position_pk>/costs/", views.position_costs, name="position_costs"),
    path("counts/", views.counts, name="counts"),
    path("grants/", views.grants, name="grants"),
    path("grants/<int:grant_pk>/proof.<str:fmt>", views.spending_proof, name="proof"),
    path("allocations/", views.allocations, name="allocations"),
    path("allocations/template.csv", views.allocation_template, name="allocation_template"),
    path("allocations/new/", views.allocation_create, name="allocation_create"),
    path("allocations/<int:allocation_pk>/", views.allocation_detail, name="allocation"),
    path(
        "allocations/<int:allocation_pk>/export.<str:fmt>",
        views.allocation_export,
        name="allocation_export",
    ),
]
