from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "safeguard.casework"
    label = "casework"
    verbose_name = "Children, chronology and the MASH front door"

    def ready(self) -> None:
        from safeguard.casework import wiring

        wiring.connect()
