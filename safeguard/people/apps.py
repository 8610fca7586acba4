from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safeguard.people"
    label = "people"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from safeguard.people import signals  # noqa: F401 - connects the session-ending receivers
