from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "lotse.staffing"
    label = "staffing"
