from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lotse.cases"
    label = "cases"
