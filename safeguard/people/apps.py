from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safeguard.people"
    label = "people"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from safeguard.core.registry import NavItem, register_navigation
        from safeguard.people import signals  # noqa: F401 - connects the session-ending receivers

        @register_navigation
        def administration(user: object) -> list[NavItem]:
            if not getattr(user, "is_staff", False):
                return []
            return [NavItem("Administration", "admin:index", order=900)]
