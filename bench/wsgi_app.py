"""The benchmark's WSGI entry: Onestop with `bench.settings` (see http_bench.py)."""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
