"""Entry point for task workers and the scheduler in production:

    taskiq worker app.worker:broker
    taskiq scheduler app.worker:scheduler
"""

from app.core.queue import broker, import_task_modules, scheduler

import_task_modules()

__all__ = ["broker", "scheduler"]
