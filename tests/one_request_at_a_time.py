"""Test-only middleware: requests are answered one at a time.

On the in-memory SQLite test database the live server's request threads share the
test's one connection, and two queries through it at once can deadlock (Django's
LiveServerTestCase documentation warns of it). tests/conftest.py adds this middleware
for the SQLite runs only.
"""

import threading

LOCK = threading.Lock()


class OneRequestAtATimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with LOCK:
            return self.get_response(request)
