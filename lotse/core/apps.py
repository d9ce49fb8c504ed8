from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lotse.core"
    label = "core"

    def ready(self) -> None:
        from lotse.core import signals  # noqa: F401  (audit of logins and logouts)
