"""``comptoir demo``: load the demo business file and print how to log in to it.

stdout receives exactly one line of JSON, ``{"business_file_id", "email", "password",
"created"}``, so scripts can read it; progress messages go to stderr with ``-v 2``.
Running it again creates nothing and prints the same credentials with ``"created": false``.
With ``--banner URL`` a human-readable summary for that server address goes to stderr too
(``make run`` uses it).
"""

import json

from django.core.management.base import BaseCommand

from comptoir.crm.demo import load_demo


class Command(BaseCommand):
    help = "Create the demo business file (idempotent) and print its credentials as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--banner", metavar="URL",
                            help="also print the login and a curl example for URL on stderr")

    def handle(self, *args, banner=None, **options):
        progress = self.stderr if options["verbosity"] >= 2 else None
        result = load_demo(stdout=progress)
        self.stdout.write(json.dumps(result))
        if banner:
            url = banner.rstrip("/")
            bf, email, password = result["business_file_id"], result["email"], result["password"]
            self.stderr.write(
                f"\n  Comptoir demo at {url}/\n"
                f"  business file id: {bf}\n"
                f"  login:    {email}\n"
                f"  password: {password}\n\n"
                f"  curl -u {email}:{password} {url}/{bf}/contacts.xml\n"
            )
