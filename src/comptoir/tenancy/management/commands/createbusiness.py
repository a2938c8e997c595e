import json

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comptoir.tenancy.services import create_business_file


class Command(BaseCommand):
    help = (
        "Create a business file and its owner (created if new). Prints one line of JSON. "
        "A password, required for a new user, must pass the configured password validators."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--password", help="required when the user is new; replaces an existing user's"
        )
        parser.add_argument("--enable-api", action="store_true", help="switch API access on")

    def handle(self, *args, name, email, password, enable_api, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"not an e-mail address: {email!r}") from None
        if not name.strip():
            raise CommandError("--name may not be empty")
        from comptoir.tenancy.models import User

        if password is None and not User.objects.filter(email=email.lower()).exists():
            raise CommandError("--password is required for a new user")
        if password is not None:
            try:
                validate_password(password, User(email=email.lower()))
            except ValidationError as invalid:
                raise CommandError("--password: " + " ".join(invalid.messages)) from None
        business_file, user, created = create_business_file(
            name=name.strip(), email=email, password=password, enable_api=enable_api
        )
        self.stdout.write(json.dumps({
            "business_file_id": business_file.pk,
            "name": business_file.name,
            "user_id": user.pk,
            "email": user.email,
            "user_created": created,
            "api_enabled": business_file.api_enabled,
        }))
