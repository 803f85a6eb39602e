"""`manage.py worker`: run the background worker of the configured task backend.

- database (the default): first takes back the tasks a crashed worker left running
  (those started more than ``TASKS_STALE_AFTER`` seconds ago, and at once those
  claimed under this worker's own ``--worker-id``: a process manager that restarts
  a worker with the same id gets its task run again), then runs ``db_worker``
  (django-tasks-db) with the options given.
- rq: RQ's worker with the job class django-tasks-rq needs and its scheduler (for
  tasks that run later, e.g. a scheduled announcement's emails), named by
  ``--worker-id``: first it queues again the jobs the dead worker of that name left
  running; RQ itself retries those of a worker that stopped beating (dpga/rq_jobs.py).
- immediate: there is no worker; tasks run where they are enqueued.

On start it also enqueues the emails of news published lately that a stopped queue
missed (``announcements.tasks.catch_up``) and the daily digest round.

Tasks are written to be run twice without a visible effect twice (dpga/tasks.py).
"""

import datetime

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from announcements.tasks import catch_up, send_digests
from dpga.tasks import TaskResultStatus, enqueue


def take_back_stale_tasks(worker_id=None, stale_after=None):
    """Mark the database backend's tasks left running by a dead worker ready again."""
    from django_tasks_db.models import DBTaskResult

    stale_after = settings.TASKS_STALE_AFTER if stale_after is None else stale_after
    since = timezone.now() - datetime.timedelta(seconds=stale_after)
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    stale = [
        result.pk for result in running.filter(Q(started_at__lt=since) | Q(started_at__isnull=True))
    ]
    if worker_id:
        stale += [r.pk for r in running if r.worker_ids and r.worker_ids[-1] == worker_id]
    return DBTaskResult.objects.filter(pk__in=stale, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY
    )


def digest_round_waiting(backend):
    """True when the daily digest round is already queued (database backend; with RQ a
    second round is harmless: a digest goes out once a week per subscriber)."""
    if backend != "database":
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=send_digests.module_path, status=TaskResultStatus.READY
    ).exists()


class Command(BaseCommand):
    help = "Run the background worker of the configured task backend (DJANGO_TASKS_BACKEND)."

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", help="a stable id per worker slot")
        parser.add_argument(
            "--batch", action="store_true", help="run what is due, then stop (database)"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls (database)"
        )

    def handle(self, *args, worker_id=None, batch=False, interval=1.0, **options):
        backend = settings.TASKS_BACKEND
        if backend not in {"database", "rq"}:
            raise CommandError(f"The {backend!r} task backend has no worker: tasks run at once.")
        catch_up()
        if not digest_round_waiting(backend):
            enqueue(send_digests)
        if backend == "database":
            taken = take_back_stale_tasks(worker_id)
            command, arguments = "db_worker", ["--no-startup-delay", "--no-reload"]
            arguments += ["--interval", str(interval)]
            arguments += ["--worker-id", worker_id] if worker_id else []
            arguments += ["--batch"] if batch else []
        else:
            from dpga.rq_jobs import take_back_jobs_of

            taken = take_back_jobs_of(worker_id) if worker_id else 0
            command, arguments = "rqworker", ["--job-class", "django_tasks_rq.Job"]
            arguments.append("--with-scheduler")
            arguments += ["--name", worker_id] if worker_id else []
            arguments += ["--burst"] if batch else []
        if taken:
            self.stdout.write(f"Took back {taken} task(s) a stopped worker left running.")
        call_command(command, *arguments, verbosity=options["verbosity"])
