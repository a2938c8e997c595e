"""``comptoir demo``: load the demo business file and print how to log in to it.

stdout receives exactly one line of JSON, ``{"business_file_id", "email", "password",
"created"}``, so scripts can read it; progress messages go to stderr with ``-v 2``.
Running it again creates nothing and prints the same credentials with ``"created": false``.
"""

import json

from django.core.management.base import BaseCommand

from comptoir.crm.demo import load_demo


class Command(BaseCommand):
    help = "Create the demo business file (idempotent) and print its credentials as JSON."

    def handle(self, *args, **options):
        progress = self.stderr if options["verbosity"] >= 2 else None
        result = load_demo(stdout=progress)
        self.stdout.write(json.dumps(result))
