from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lotse.reports"
    label = "reports"
