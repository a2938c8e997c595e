"""Business files, the people who work in them, and the credentials programs use.

A *business file* is one company's data. Users log in with an e-mail address and reach a
business file through a *membership* that carries their role. Programs authenticate with
the user's password (HTTP Basic, as incwo clients do) or with an *API key* bound to one user
and one business file.

Any change here that could alter what a cached credential grants (password, activity,
role, API switch, key revocation, and the deletion of any of these rows, cascades included)
bumps an *access epoch* so that every worker drops its cached verdicts at once (see
``comptoir.tenancy.access``). The bumps hang on ``post_save`` and ``post_delete``, which
cascading deletes send too; ``QuerySet.update()`` sends nothing, so code that changes these
fields in bulk must bump the epochs itself.
"""

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from comptoir.tenancy import epochs


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("users need an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("e-mail", unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    language = models.CharField(max_length=8, default="fr")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)


class BusinessFile(models.Model):
    name = models.CharField(max_length=200)
    api_enabled = models.BooleanField(
        "API access", default=False, help_text="Programs may use the API on this business file."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} (#{self.pk})"


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Administrator"
    MEMBER = "member", "Member"
    READ_ONLY = "read_only", "Read-only"


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    business_file = models.ForeignKey(
        BusinessFile, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    api_access = models.BooleanField(
        default=True, help_text="This user may use the API when it is on for the business file."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business_file", "user"], name="membership_unique"),
        ]
        ordering = ["business_file_id", "user_id"]

    def __str__(self):
        return f"{self.user} in {self.business_file} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role != Role.READ_ONLY


API_KEY_PREFIX = "cpt_"


def hash_api_key(key: str) -> str:
    """Keys are 256-bit random secrets, so a fast hash stores them safely."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    """A named, revocable secret for one user in one business file; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    business_file = models.ForeignKey(
        BusinessFile, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16, help_text="The first characters, to recognise a key.")
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "API key"

    def __str__(self):
        return f"{self.prefix}… {self.name}".strip()

    @classmethod
    def issue(cls, *, user, business_file, name="", read_only=False) -> tuple["ApiKey", str]:
        """Create a key and return it with its secret, which is never stored nor shown again."""
        secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
        key = cls.objects.create(
            user=user,
            business_file=business_file,
            name=name,
            prefix=secret[: len(API_KEY_PREFIX) + 6],
            key_hash=hash_api_key(secret),
            read_only=read_only,
        )
        return key, secret

    def revoke(self):
        """Revoke the key; revoking it again keeps the time of the first revocation."""
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


# -- access epochs ---------------------------------------------------------------------------

@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _user_changed(sender, instance, using, **kwargs):
    epochs.bump("user", instance.pk, using)


@receiver(post_save, sender=BusinessFile)
@receiver(post_delete, sender=BusinessFile)
def _business_file_changed(sender, instance, using, **kwargs):
    epochs.bump("business_file", instance.pk, using)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
@receiver(post_save, sender=ApiKey)
@receiver(post_delete, sender=ApiKey)
def _credential_changed(sender, instance, using, **kwargs):
    epochs.bump("user", instance.user_id, using)
