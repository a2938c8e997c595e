"""Work a server process does once when it starts, before its first request.

A module registers a function with :func:`on_worker_start` (from its ``AppConfig.ready()``);
``comptoir serve`` runs them in every gunicorn worker right after it boots, so that the first
user of a worker does not pay for a slow first use. A failing warm-up is logged and skipped: it
must never keep a worker from serving.

What a hook loads is private to each worker (the application itself is imported once, before
the fork, and shared): register only what is cheap in memory or needed by most requests.
WeasyPrint, for instance, is not warmed up (~35 MB per worker for the rare PDF request).
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)
_HOOKS: list[Callable[[], None]] = []


def on_worker_start(function: Callable[[], None]) -> Callable[[], None]:
    if function not in _HOOKS:
        _HOOKS.append(function)
    return function


def run_worker_start() -> None:
    for function in _HOOKS:
        try:
            function()
        except Exception:
            logger.exception("warm-up %s failed; the worker serves without it", function)
