"""``comptoir serve``: the production server (gunicorn) in the foreground."""

import gc
import os

from django.core.management import call_command
from django.core.management.base import BaseCommand


def _warm_up_worker(worker) -> None:
    from comptoir.core.startup import run_worker_start

    run_worker_start()


class Command(BaseCommand):
    help = "Serve Comptoir with gunicorn (a production WSGI server)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("COMPTOIR_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("COMPTOIR_PORT", "8000"))
        )
        parser.add_argument(
            "--workers", type=int,
            default=int(os.environ.get("COMPTOIR_WORKERS", str(min(4, (os.cpu_count() or 1) * 2)))),
        )
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--timeout", type=int, default=60)
        parser.add_argument("--access-log", action="store_true", help="log every request")

    def handle(self, *args, host, port, workers, threads, timeout, access_log, **options):
        from gunicorn.app.base import BaseApplication

        call_command("check", deploy=False)
        call_command("collectstatic", interactive=False, verbosity=0)

        from django.db import connections

        from comptoir.wsgi import application

        # Workers are forked from this process: none may inherit a database connection that
        # a check (or a future start-up step) opened here, or they would share its socket.
        connections.close_all()
        # The workers are forked from this process with the whole application imported: they
        # share those pages copy-on-write. The cyclic collector writes into the header of
        # every object it examines, so its first full collection in a worker would copy most
        # of that heap (measured: ~60 MB private per worker). Freezing moves what exists now
        # out of its reach; a worker then owns only what it allocates itself.
        gc.collect()
        gc.freeze()

        config = {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "timeout": timeout,
            "accesslog": "-" if access_log else None,
            "errorlog": "-",
            "loglevel": "warning",
            "worker_class": "gthread" if threads > 1 else "sync",
            "post_worker_init": _warm_up_worker,
            # Explicit: the application is loaded here, before the fork (see gc.freeze above).
            "preload_app": True,
        }

        class Server(BaseApplication):
            def load_config(self):
                for key, value in config.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self):
                return application

        self.stderr.write(f"Comptoir serving on http://{host}:{port}/ with {workers} workers")
        Server().run()
