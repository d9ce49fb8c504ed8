from django.apps import AppConfig


class CounsellingConfig(AppConfig):
    name = "lotse.counselling"
    label = "counselling"
