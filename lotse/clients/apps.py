from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "lotse.clients"
    label = "clients"
