from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "lotse.imports"
    label = "imports"
