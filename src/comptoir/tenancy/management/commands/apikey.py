import json

from django.core.management.base import BaseCommand, CommandError

from comptoir.tenancy.models import ApiKey, Membership, User
from comptoir.tenancy.services import issue_api_key


class Command(BaseCommand):
    help = "Manage API keys: create (prints the secret once, as JSON), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key; prints one line of JSON")
        create.add_argument("--email", required=True)
        create.add_argument("--business-file", type=int, required=True, dest="business_file")
        create.add_argument("--name", default="")
        create.add_argument("--read-only", action="store_true", dest="read_only")
        listing = sub.add_parser("list", help="list a user's keys (never their secrets)")
        listing.add_argument("--email", required=True)
        revoke = sub.add_parser("revoke", help="revoke a key by id")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_create(self, email, business_file, name, read_only, **options):
        try:
            key, secret = issue_api_key(
                email=email, business_file_id=business_file, name=name, read_only=read_only
            )
        except User.DoesNotExist:
            raise CommandError(f"no user {email!r}") from None
        except Membership.DoesNotExist:
            raise CommandError(
                f"{email} is not a member of business file {business_file}"
            ) from None
        self.stdout.write(json.dumps({
            "id": key.pk, "key": secret, "name": key.name, "prefix": key.prefix,
            "business_file_id": key.business_file_id, "email": email.lower(),
            "read_only": key.read_only,
        }))

    def handle_list(self, email, **options):
        if not User.objects.filter(email=email.lower()).exists():
            raise CommandError(f"no user {email!r}")
        for key in ApiKey.objects.filter(user__email=email.lower()):
            self.stdout.write(json.dumps({
                "id": key.pk, "prefix": key.prefix, "name": key.name,
                "business_file_id": key.business_file_id, "read_only": key.read_only,
                "revoked": key.revoked_at is not None,
            }))

    def handle_revoke(self, id, **options):
        key = ApiKey.objects.filter(pk=id).first()
        if key is None:
            raise CommandError(f"no API key {id}")
        key.revoke()
        self.stdout.write(json.dumps({"id": key.pk, "revoked": True}))
