"""aftersales worker: the background jobs in one plain, restartable loop.

Each tick enqueues the deadline sweep and the outbox delivery as django-tasks tasks
(cases.tasks), then runs what the queue holds: in-process with django_tasks_db's worker when jobs
are queued in the database (the default), or with an RQ worker in burst mode when REDIS_URL is
set.  SIGTERM or SIGINT stops it between tasks; everything it does is safe to repeat, so a killed
worker is simply started again.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.crypto import get_random_string

from aftersales.cases.management.commands._common import require_database

log = logging.getLogger("aftersales.worker")
MAX_DELIVERY_ROUNDS = 20


class Loop:
    """The worker's loop; `serve --with-worker` runs one in a thread."""

    def __init__(self, interval: float, out=None, quiet_jobs: bool = True):
        self.interval = interval
        self.stopping = threading.Event()
        self.out = out or (lambda msg: log.info(msg))
        self.worker_id = "aftersales-" + get_random_string(12)
        self._db_worker = None
        self._pruned_at = -3600.0
        if quiet_jobs:
            # the job libraries log every task at INFO: two lines a task, every tick
            for name in ("django_tasks", "django_tasks_db", "rq.worker"):
                logging.getLogger(name).setLevel(logging.WARNING)

    def stop(self, *_):
        if not self.stopping.is_set():
            self.out("stopping after the current task...")
        self.stopping.set()
        if self._db_worker is not None:
            self._db_worker.running = False

    def run(self, once: bool = False) -> None:
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                self.tick()
            except Exception:  # a bad tick must not end the loop: log it and try again next time
                log.exception("worker tick failed")
                if once:
                    raise
            if once:
                return
            self.stopping.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def tick(self) -> int:
        from aftersales import clock
        from aftersales.cases.tasks import PERIODIC, deliver_outbox, sweep_deadlines
        from aftersales.notify.models import OutboxMessage, OutboxStatus

        close_old_connections()
        backend = sweep_deadlines.get_backend()
        sweep_deadlines.enqueue()
        deliver_outbox.enqueue()
        for extra in PERIODIC:
            extra.enqueue()
        ran = self.process_queue(backend)
        # One delivery takes a bounded batch; after a busy spell (an import, the demo) go on
        # until what is due has gone out, within reason.
        for _ in range(MAX_DELIVERY_ROUNDS):
            if self.stopping.is_set() or not OutboxMessage.objects.filter(
                    status=OutboxStatus.PENDING, next_attempt_at__lte=clock.now()).exists():
                break
            deliver_outbox.enqueue()
            ran += self.process_queue(backend)
        close_old_connections()
        self.out(f"tick: {ran} tasks run")
        return ran

    def process_queue(self, backend) -> int:
        name = type(backend).__name__
        if name == "DatabaseBackend":
            from django_tasks_db.management.commands.db_worker import Worker

            worker = Worker(queue_names=list(backend.queues) or ["default"], interval=0, batch=True,
                            backend_name=backend.alias, startup_delay=False, max_tasks=None,
                            worker_id=self.worker_id, excluded_queue_names=[])
            self._db_worker = worker
            try:
                worker.run()
            finally:
                self._db_worker = None
            self._prune(backend)
            return worker._run_tasks
        if name == "RQBackend":
            from django_rq.workers import get_worker
            from django_tasks_rq.backend import Job

            worker = get_worker(*backend.queues, job_class=Job, worker_class=_rq_worker_class(),
                                name=f"{self.worker_id}-{get_random_string(6)}")
            worker.work(burst=True, with_scheduler=False, logging_level="WARNING")
            return worker.ran
        return 0   # immediate or dummy backends: enqueue() already ran (or dropped) the task

    def _prune(self, backend) -> None:
        """Finished jobs pile up at two a tick: keep a day of them (a week of failed ones)."""
        now = time.monotonic()
        if now - self._pruned_at < 3600:
            return
        self._pruned_at = now
        from datetime import timedelta

        from django.db.models import Q
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        day = timezone.now() - timedelta(days=1)
        week = timezone.now() - timedelta(days=7)
        DBTaskResult.objects.finished().filter(backend_name=backend.alias).filter(
            Q(status="SUCCESSFUL", finished_at__lte=day) | Q(finished_at__lte=week)).delete()


def _rq_worker_class():
    """RQ's SimpleWorker (jobs run in this process, no fork) that leaves the signals to our loop,
    which may run in a thread (serve --with-worker), where RQ's SIGALRM job timeout cannot work."""
    from rq.timeouts import TimerDeathPenalty
    from rq.worker import SimpleWorker

    class InProcessWorker(SimpleWorker):
        death_penalty_class = TimerDeathPenalty
        ran = 0

        def _install_signal_handlers(self):
            pass

        def execute_job(self, job, queue):
            super().execute_job(job, queue)
            self.ran += 1

    return InProcessWorker


class Command(BaseCommand):
    help = "Run the background jobs: deadline sweep and outbox delivery every --interval seconds."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one tick, then exit")
        parser.add_argument("--interval", type=float, default=None,
                            help="seconds between ticks (default: AFTERSALES_SWEEP_INTERVAL, "
                                 f"now {settings.SWEEP_INTERVAL})")

    def handle(self, *args, **opts):
        interval = opts["interval"] if opts["interval"] is not None else settings.SWEEP_INTERVAL
        if interval <= 0:
            raise CommandError("--interval must be more than 0 seconds")
        require_database()
        verbose = opts["verbosity"] >= 1
        loop = Loop(interval, out=(lambda m: self.stdout.write(m)) if verbose else (lambda m: None),
                    quiet_jobs=opts["verbosity"] < 2)
        if not opts["once"]:
            signal.signal(signal.SIGTERM, loop.stop)
            signal.signal(signal.SIGINT, loop.stop)
            self.stdout.write(f"worker {loop.worker_id}: a tick every {interval:g} s "
                              f"({'RQ on Redis' if settings.REDIS_URL else 'jobs in the database'}); "
                              "Ctrl+C or SIGTERM stops it")
        loop.run(once=opts["once"])
        if not opts["once"]:
            self.stdout.write("worker stopped")
