from django.apps import AppConfig


class StructuralConfig(AppConfig):
    name = "lotse.structural"
    label = "structural"
