from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "safeguard.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring cycles and board reports"

    def ready(self) -> None:
        from safeguard.monitoring import wiring

        wiring.connect()
