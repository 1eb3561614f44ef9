from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo province and the embedded mode (`serve`, `load_demo`, `generate_cases`)."""

    name = "demo"
