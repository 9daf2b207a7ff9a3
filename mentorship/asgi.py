"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

from mentorship.config import exit_on_bad_config

exit_on_bad_config()
application = get_asgi_application()
