from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lotse.api"
    label = "api"

    def ready(self) -> None:
        from lotse.api import schema  # noqa: F401  (registers the token's description)
