"""The scheduled refit of organisations' models (cases.tasks.PERIODIC): at most once an hour, and
only for organisations with examples newer than their model."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max
from django_tasks import task

from aftersales import clock

EVERY = timedelta(hours=1)


def due_organisations() -> list[int]:
    from aftersales.assist.models import OrgModel, TrainingExample

    newest = dict(TrainingExample.objects.values("organisation_id").annotate(m=Max("created_at"))
                  .values_list("organisation_id", "m"))
    fitted = dict(OrgModel.objects.values_list("organisation_id", "fitted_at"))
    return [org for org, m in newest.items() if org not in fitted or fitted[org] < m]


def run_due(now=None, force: bool = False) -> dict:
    from aftersales.accounts.models import Organisation
    from aftersales.assist.models import JobRun
    from aftersales.assist.services import retrain

    now = now or clock.now()
    last = JobRun.objects.filter(name="retrain").values_list("last_run_at", flat=True).first()
    if not force and last is not None and now - last < EVERY:
        return {"skipped": True}
    JobRun.objects.update_or_create(name="retrain", defaults={"last_run_at": now})
    done = []
    for org in Organisation.objects.filter(pk__in=due_organisations()):
        retrain(org)
        done.append(org.pk)
    return {"retrained": done}


@task()
def retrain_due() -> dict:
    return run_due()
