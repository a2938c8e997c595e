import json

from django.core.management.base import BaseCommand, CommandError

from comptoir.core import journal
from comptoir.core.models import JournalEntry
from comptoir.tenancy.models import BusinessFile


class Command(BaseCommand):
    help = "Verify the hash-chained journal of validations (exit 1 if broken), or show it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check every chain, one line per business file")
        verify.add_argument("--business-file", type=int, dest="business_file",
                            help="only this business file (default: all of them)")
        show = sub.add_parser("show", help="print a business file's entries as JSON lines")
        show.add_argument("--business-file", type=int, required=True, dest="business_file")
        show.add_argument("--last", type=int, help="only the last N entries")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def _business_files(self, business_file):
        files = BusinessFile.objects.order_by("id")
        if business_file is None:
            return list(files)
        found = list(files.filter(pk=business_file))
        if not found:
            raise CommandError(f"no business file {business_file}")
        return found

    def handle_verify(self, business_file, **options):
        broken = 0
        for bf in self._business_files(business_file):
            result = journal.verify(bf.pk)
            if result.ok:
                self.stdout.write(f"business file {bf.pk}: ok, {result.reason}")
            else:
                broken += 1
                self.stdout.write(f"business file {bf.pk}: BROKEN at entry "
                                  f"{result.first_broken_sequence}: {result.reason}")
        if broken:
            raise CommandError(f"{broken} broken journal chain{'s' if broken > 1 else ''}")

    def handle_show(self, business_file, last, **options):
        self._business_files(business_file)
        if last is not None and last < 1:
            raise CommandError("--last takes a positive number")
        rows = journal.entries(business_file)
        if last is not None:
            rows = reversed(rows.order_by("-sequence")[:last])
        for entry in rows:
            self.stdout.write(json.dumps(_as_dict(entry), ensure_ascii=False, sort_keys=True))


def _as_dict(entry: JournalEntry) -> dict:
    content = json.loads(journal.canonical(entry))
    content["hash"] = entry.hash
    return content
