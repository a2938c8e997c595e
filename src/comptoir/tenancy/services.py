"""Creating business files, their owners and API keys (used by the CLI and, later, the app).

Modules that need records in every business file (the catalog's default warehouse, say)
register a set-up function with :func:`on_business_file_created`; it runs inside the
transaction that creates the business file. This is an explicit list of calls, not a signal.
"""

from collections.abc import Callable

from django.db import transaction

from comptoir.tenancy.models import ApiKey, BusinessFile, Membership, Role, User

_SETUP: list[Callable] = []


def on_business_file_created(function: Callable) -> Callable:
    """Register ``function(business_file)`` to run when a business file is created."""
    if function not in _SETUP:
        _SETUP.append(function)
    return function


def set_up_business_file(business_file) -> None:
    """Run every module's set-up for a new (or, idempotently, an existing) business file."""
    for function in _SETUP:
        function(business_file)


@transaction.atomic
def create_business_file(*, name: str, email: str, password: str | None,
                         enable_api: bool = False) -> tuple[BusinessFile, User, bool]:
    """A business file owned by the user with ``email``, created if new.

    An existing user keeps their password unless one is given. A new user needs a password
    (an empty one is refused: it would let anyone log in). Returns the business file, the user
    and whether the user was created.
    """
    if password is not None and not password:
        raise ValueError("the password may not be empty")
    user = User.objects.filter(email=email.lower()).first()
    created = user is None
    if created:
        if password is None:
            raise ValueError("a new user needs a password")
        user = User.objects.create_user(email, password)
    elif password:
        user.set_password(password)
        user.save()
    business_file = BusinessFile.objects.create(name=name, api_enabled=enable_api)
    Membership.objects.create(user=user, business_file=business_file, role=Role.OWNER)
    set_up_business_file(business_file)
    return business_file, user, created


def issue_api_key(*, email: str, business_file_id: int, name: str = "",
                  read_only: bool = False) -> tuple[ApiKey, str]:
    user = User.objects.get(email=email.lower())
    membership = Membership.objects.get(user=user, business_file_id=business_file_id)
    return ApiKey.issue(
        user=user, business_file=membership.business_file, name=name, read_only=read_only
    )
