from django.core.management.base import BaseCommand

from comptoir.core.reference import full_reference


class Command(BaseCommand):
    help = "Print the API reference (Markdown) generated from the resource registry."

    def handle(self, *args, **options):
        self.stdout.write(full_reference(), ending="")
