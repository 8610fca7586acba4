from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "safeguard.reviews"
    label = "reviews"
    verbose_name = "Reviews and action plans"

    def ready(self) -> None:
        from safeguard.reviews import wiring

        wiring.connect()
