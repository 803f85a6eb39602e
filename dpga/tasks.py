"""Background work on Django's Tasks API: the one place that imports it.

Django 6.0+ ships the API as ``django.tasks``; on Django 5.2 the ``django-tasks``
backport provides the same one. Every task in the project is declared with
``dpga.tasks.task`` and enqueued with :func:`enqueue`, so nothing else changes when
the floor moves to Django 6.

What holds:

- :func:`enqueue` hands a task to the configured backend (``TASKS`` in settings:
  the database backend and ``manage.py db_worker`` by default, RQ on Redis for
  several worker hosts, the immediate backend in tests). With a backend that
  stores tasks in the site's own database the task is written in the caller's
  transaction (it exists exactly when the change that asked for it is committed);
  otherwise (``TASKS_ENQUEUE_ON_COMMIT``, RQ) it is handed over after the commit.
  A backend that cannot be reached is logged, never raised to the person saving.
- A task is safe to run twice: a worker that dies mid-task has its task run again
  (``manage.py worker`` takes back what a crashed worker left running), so tasks
  check what was already done (an email sent is recorded) before doing it.
- :func:`retry_later` enqueues a failed attempt again after a growing pause, on
  backends that can defer work; the immediate backend cannot, and says so in the log.
"""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

try:  # Django 6.0+
    from django.tasks import TaskResultStatus, default_task_backend, task, task_backends
except ImportError:  # Django 5.2: the django-tasks backport
    from django_tasks import TaskResultStatus, default_task_backend, task, task_backends

__all__ = [
    "TaskResultStatus",
    "default_task_backend",
    "enqueue",
    "retry_later",
    "task",
    "task_backends",
]

logger = logging.getLogger(__name__)


def _hand_over(a_task, args, kwargs):
    try:
        return a_task.enqueue(*args, **kwargs)
    except Exception:  # Redis away, database locked: logged, the save still stands
        logger.exception("Could not enqueue %s%r", a_task.name, args)
        return None


def enqueue(a_task, *args, **kwargs):
    """Hand ``a_task(*args, **kwargs)`` to the queue (see the module's docstring).

    Returns the task's result handle, or None when it is handed over after the commit.
    """
    if getattr(settings, "TASKS_ENQUEUE_ON_COMMIT", False):
        transaction.on_commit(partial(_hand_over, a_task, args, kwargs))
        return None
    return _hand_over(a_task, args, kwargs)


def can_defer(a_task):
    """True when the task's backend can run it later (``run_after``)."""
    return bool(a_task.get_backend().supports_defer)


def enqueue_at(when, a_task, *args, **kwargs):
    """Enqueue to run at ``when`` (now when the backend cannot defer, or when is past)."""
    if when is not None and when > timezone.now() and can_defer(a_task):
        a_task = a_task.using(run_after=when)
    return enqueue(a_task, *args, **kwargs)


def retry_later(a_task, *args, attempt, **kwargs):
    """Enqueue attempt ``attempt + 1`` after a pause that doubles each time.

    Returns False (and logs) when the attempts are used up or the backend cannot defer.
    """
    if attempt >= settings.TASKS_MAX_ATTEMPTS:
        logger.error("%s%r failed %d times; giving up.", a_task.name, args, attempt)
        return False
    if not can_defer(a_task):
        logger.warning("%s%r failed; this task backend cannot retry later.", a_task.name, args)
        return False
    pause = settings.TASKS_RETRY_PAUSE * 2 ** (attempt - 1)
    later = a_task.using(run_after=timezone.now() + datetime.timedelta(seconds=pause))
    enqueue(later, *args, attempt=attempt + 1, **kwargs)
    return True
