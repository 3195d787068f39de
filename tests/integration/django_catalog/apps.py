from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = 'django_catalog'
    label = 'catalog'
