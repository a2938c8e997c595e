"""The ``comptoir`` command: Django's management commands under the product's name.

``comptoir migrate``, ``comptoir createbusiness``, ``comptoir apikey create``,
``comptoir demo`` and ``comptoir serve`` are management commands of the project's apps;
any other Django command (``check``, ``shell``, ``createsuperuser``) passes through.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["comptoir", *sys.argv[1:]])


if __name__ == "__main__":
    main()
