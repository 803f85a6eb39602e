"""A web request waits at most ``DB_QUERY_TIMEOUT`` seconds for a database that stops
answering.

A PostgreSQL server that is paused (SIGSTOP), or behind a network that drops its
answers, keeps its connections open: the kernel accepts and acknowledges, nothing
answers, and libpq waits for ever (TCP keepalives and ``tcp_user_timeout`` see nothing
wrong). Without a bound each such request would hold its gunicorn worker until
gunicorn's own timeout killed it.

``DatabaseWaitMiddleware`` gives each web request that passes it (the page cache above
answers its hits without the database) two bounds:

- its first contact with the database, counted from the request reaching the
  middleware (a POST's body already read: a slow upload is not a slow database) until
  its first query starts: the health check Django runs on a persistent connection
  before reusing it (``CONN_HEALTH_CHECKS``), or a new connection (also bounded by
  ``DJANGO_DB_CONNECT_TIMEOUT``);
- each query, from its start (``connection.execute_wrapper()``).

Past a bound, a timer (``signal.setitimer``, SIGALRM) raises ``DatabaseWaitTimeout``,
an ``OperationalError``: the request answers the same 503 page as a stopped database
(a form sent comes back filled in; /healthz/ says "down"), and the connection is closed,
so an unfinished transaction is never committed (the server rolls it back) and the next
request connects again.

Not bounded: a COMMIT or ROLLBACK (a COMMIT given up on would leave unknown whether the
change was saved); work outside web requests (management commands, migrations, backups,
the task worker); requests served in another thread than the main one (the development
server, gunicorn's threaded workers, ASGI), since only the main thread receives signals. The
bound is meant for gunicorn's sync workers; with gevent or eventlet workers set it to 0.
"""

import contextlib
import signal
import threading

from django.conf import settings
from django.db import OperationalError, connection


class DatabaseWaitTimeout(OperationalError):
    """The database did not answer within DB_QUERY_TIMEOUT seconds."""


class Bound:
    """The timer of one request (main thread only)."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.expired = False

    def arm(self):
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def disarm(self):
        signal.setitimer(signal.ITIMER_REAL, 0)

    def on_alarm(self, signum, frame):
        self.expired = True
        raise DatabaseWaitTimeout(f"the database did not answer within {self.seconds:g} s")

    def query(self, execute, sql, params, many, context):
        """An execute wrapper: the query must answer within the bound."""
        self.arm()
        try:
            return execute(sql, params, many, context)
        except DatabaseWaitTimeout:
            context["connection"].close()
            raise
        finally:
            self.disarm()


class DatabaseWaitMiddleware:
    """Bounds the database waits of each request served in the main thread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.DB_QUERY_TIMEOUT
        if seconds <= 0 or threading.current_thread() is not threading.main_thread():
            return self.get_response(request)
        if request.method == "POST":
            # A slow upload is not a slow database: the body is read before the bound
            # starts (as the CSRF check reads it a moment later; uploads go to files).
            with contextlib.suppress(OSError):  # unreadable: the CSRF check refuses it
                request.POST  # noqa: B018
        bound = Bound(seconds)
        previous = signal.signal(signal.SIGALRM, bound.on_alarm)
        try:
            bound.arm()  # the first contact: a health check or a new connection
            with connection.execute_wrapper(bound.query):
                return self.get_response(request)
        finally:
            bound.disarm()
            signal.signal(signal.SIGALRM, previous)
            if bound.expired:
                # Gave up mid-wait: the connection may still await an answer.
                connection.close()
