"""Tasks on RQ (``DJANGO_TASKS_BACKEND=rq``): a job a dead worker left is run again.

RQ keeps the job a worker is running in the queue's ``StartedJobRegistry`` while the
worker's heartbeat renews it (every 30 s). A worker killed mid-job renews it no more:
about 90 s later RQ's registry cleanup (run by every worker when it starts and every
ten minutes) counts the job as abandoned and, when the job has retries left, queues
it again; without retries it would only be filed as failed. So:

- :class:`RetryingQueue` (``QUEUE_CLASS`` of ``RQ_QUEUES``) gives every job RQ's
  ``Retry``: ``TASKS_MAX_ATTEMPTS`` attempts, after 30 s, 60 s, 120 s ...
  (``TASKS_RETRY_PAUSE``). A task that raises is retried the same way.
- :func:`take_back_jobs_of` runs again at once what a worker slot (``manage.py
  worker --worker-id``, the RQ worker's name) was running when its process died: a
  process manager restarts the slot, and the new worker need not wait for RQ.

Tasks check what was already done (an email is sent once per issue and subscriber).
"""

from django.conf import settings
from django_rq import get_connection, get_queue
from django_rq.queues import DjangoRQ
from django_tasks_rq import Job
from rq import Retry, Worker
from rq.exceptions import NoSuchJobError


def default_retry():
    """``TASKS_MAX_ATTEMPTS`` attempts in all, the pauses doubling (dpga.tasks.retry_later)."""
    retries = max(settings.TASKS_MAX_ATTEMPTS - 1, 1)
    return Retry(
        max=retries, interval=[int(settings.TASKS_RETRY_PAUSE * 2**n) for n in range(retries)]
    )


class RetryingQueue(DjangoRQ):
    """An RQ queue whose jobs are retried (after a crash too) unless told otherwise."""

    def create_job(self, *args, **options):
        if options.get("retry") is None:
            options["retry"] = default_retry()
        return super().create_job(*args, **options)


def take_back_jobs_of(worker_name):
    """Queue again the jobs the RQ worker ``worker_name`` left running; their number.

    Called before a worker of that name starts: the one registered under it is dead.
    Its death is recorded so that the name can be used again at once.
    """
    connection = get_connection()
    dead = Worker.find_by_key(
        Worker.redis_worker_namespace_prefix + worker_name, connection=connection, job_class=Job
    )
    if dead is None:
        return 0
    taken = 0
    for execution in dead.get_current_executions():
        try:
            job = Job.fetch(execution.job_id, connection=connection)
        except NoSuchJobError:  # deleted meanwhile
            continue
        if not job.retries_left:  # its attempts are used up: RQ's cleanup files it as failed
            continue
        queue = get_queue(job.origin, job_class=Job)
        with connection.pipeline() as pipeline:
            queue.started_job_registry.remove_executions(job, pipeline=pipeline)
            job.retry(queue, pipeline)
            pipeline.execute()
        taken += 1
    dead.register_death()
    return taken
