"""The WSGI application gunicorn serves (`gunicorn dpga.wsgi`).

It refuses to load, with ImproperlyConfigured saying what to run, when DEBUG is
off and the static files have not been collected (dpga/checks.py): gunicorn runs
no system checks, and every page would otherwise answer 500.
"""

import os

from django.core.wsgi import get_wsgi_application

from dpga.checks import refuse_to_serve_without_static_manifest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dpga.settings")

application = get_wsgi_application()
refuse_to_serve_without_static_manifest()
