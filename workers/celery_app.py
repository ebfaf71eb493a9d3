"""The workers' one Celery app: configured from settings, tasks found by autodiscovery.

Every task is a `@shared_task` in `workers/tasks.py`; this module imports no
task code, so nothing depends on import order. The API builds its own app with
the same `make_celery` and only ever sends tasks by name.
"""

from __future__ import annotations

from service.core.queue import make_celery
from service.core.settings import get_settings

app = make_celery(get_settings())
app.set_default()
app.autodiscover_tasks(["workers"], force=True)
