from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeguard.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from safeguard.core import api_schema, inbox, tick  # noqa: F401 - api_schema registers schema extensions

        inbox.register_builtin_providers()
        tick.register_builtin_jobs()
