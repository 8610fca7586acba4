from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safeguard.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from safeguard.core import api_schema, inbox, tick  # noqa: F401 - api_schema registers schema extensions

        inbox.register_builtin_providers()
        tick.register_builtin_jobs()
        _forget_calendars_when_overrides_change()


def _forget_calendars_when_overrides_change() -> None:
    from django.db.models.signals import post_delete, post_save

    from safeguard.core.calendar import forget_shared_calendars
    from safeguard.core.models import CalendarOverride

    def forget(**kwargs: object) -> None:
        forget_shared_calendars()

    post_save.connect(forget, sender=CalendarOverride, weak=False, dispatch_uid="safeguard.calendar.saved")
    post_delete.connect(
        forget, sender=CalendarOverride, weak=False, dispatch_uid="safeguard.calendar.deleted"
    )
