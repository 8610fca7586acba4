"""Boards, agencies, teams, users and the roles that connect them.

Access everywhere else is decided from these rows: which agencies a user acts for (Membership), which
boards they serve (BoardRole) and which subgroups they sit on (SubgroupMembership).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.models import QuerySet


class Sector(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    ACUTE_HEALTH = "acute_health", "Acute health"
    COMMUNITY_HEALTH = "community_health", "Community health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    PRIMARY_CARE = "primary_care", "GP / primary care"
    SCHOOL = "school", "School"
    EARLY_YEARS = "early_years", "Early years / nursery"
    PROBATION = "probation", "Probation"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    """One vocabulary of roles, used by permissions everywhere."""

    PRACTITIONER = "practitioner", "Practitioner"
    OPERATIONAL_SUPERVISOR = "operational_supervisor", "Operational supervisor"
    CONTROL_ROOM_SUPERVISOR = "control_room_supervisor", "Control-room supervisor"
    TEAM_MANAGER = "team_manager", "Team manager"
    MASH_OFFICER = "mash_officer", "MASH officer"
    MASH_MANAGER = "mash_manager", "MASH manager"
    AGENCY_SAFEGUARDING_LEAD = "agency_safeguarding_lead", "Agency safeguarding lead"
    AUDITOR = "auditor", "Auditor"
    LADO = "lado", "LADO"
    BOARD_BUSINESS_MANAGER = "board_business_manager", "Board business manager"
    BOARD_CHAIR = "board_chair", "Board chair"
    SUBGROUP_MEMBER = "subgroup_member", "Subgroup member"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles held within an agency (Membership) and roles held on a board (BoardRole).
AGENCY_ROLES = frozenset(
    {
        Role.PRACTITIONER,
        Role.OPERATIONAL_SUPERVISOR,
        Role.CONTROL_ROOM_SUPERVISOR,
        Role.TEAM_MANAGER,
        Role.MASH_OFFICER,
        Role.MASH_MANAGER,
        Role.AGENCY_SAFEGUARDING_LEAD,
        Role.AUDITOR,
        Role.LADO,
    }
)
BOARD_ROLES = frozenset({Role.BOARD_BUSINESS_MANAGER, Role.BOARD_CHAIR, Role.SUBGROUP_MEMBER, Role.AUDITOR})


class SubgroupKind(models.TextChoices):
    SCR = "scr", "Serious case review subgroup"
    CRITICAL_INCIDENT = "critical_incident", "Critical Incident Group"
    LEARNING_IMPROVEMENT = "learning_improvement", "Learning and Improvement"
    AUDIT = "audit", "Audit"
    EXECUTIVE = "executive", "Executive"
    SCRUTINY = "scrutiny", "Scrutiny, Audit and Review"
    OTHER = "other", "Other"


class Board(models.Model):
    """A safeguarding children board / partnership for one area."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, unique=True)
    area = models.CharField(max_length=120, help_text="The local authority area the board serves.")
    jurisdiction = models.CharField(
        max_length=3,
        default="ENG",
        choices=[("ENG", "England"), ("WLS", "Wales")],
        help_text="Decides the bank-holiday calendar for the board's timescales.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    local_authority_area = models.CharField(max_length=120)
    boards = models.ManyToManyField(Board, related_name="agencies", blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_in_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail addresses are matched without regard to case.
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can use the administration pages.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # Queries about the user's place in the partnership. Permissions build on these.
    def active_memberships(self) -> QuerySet[Membership]:
        return self.memberships.filter(ended_on__isnull=True).select_related("agency", "team")

    def agency_ids(self) -> set[int]:
        return set(self.memberships.filter(ended_on__isnull=True).values_list("agency_id", flat=True))

    def roles_in(self, agency_id: int) -> set[str]:
        return set(
            self.memberships.filter(ended_on__isnull=True, agency_id=agency_id).values_list("role", flat=True)
        )

    def has_role(self, *roles: str) -> bool:
        return (
            self.memberships.filter(ended_on__isnull=True, role__in=roles).exists()
            or self.board_roles.filter(ended_on__isnull=True, role__in=roles).exists()
        )

    def board_ids(self) -> set[int]:
        return set(self.board_roles.filter(ended_on__isnull=True).values_list("board_id", flat=True))


class Membership(models.Model):
    """A user's role in an agency (and optionally one of its teams)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=40, choices=[(r.value, r.label) for r in Role if r in AGENCY_ROLES])
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=models.Q(ended_on__isnull=True),
                name="membership_one_active_role_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()}, {self.agency}"


class BoardRole(models.Model):
    """A user's role on a board: business manager, chair, subgroup member or auditor."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="board_roles")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(max_length=40, choices=[(r.value, r.label) for r in Role if r in BOARD_ROLES])
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["board__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "board", "role"],
                condition=models.Q(ended_on__isnull=True),
                name="boardrole_one_active_role_per_board",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()}, {self.board}"


class Subgroup(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="subgroups")
    kind = models.CharField(max_length=40, choices=SubgroupKind.choices)
    name = models.CharField(max_length=200)
    members: models.ManyToManyField[User, SubgroupMembership] = models.ManyToManyField(
        User, through="SubgroupMembership", related_name="subgroups"
    )

    class Meta:
        ordering = ["board__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="subgroup_unique_name_on_board")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.board.short_name})"


class SubgroupMembership(models.Model):
    subgroup = models.ForeignKey(Subgroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="subgroup_memberships")
    is_chair = models.BooleanField(default=False)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subgroup", "user"],
                condition=models.Q(ended_on__isnull=True),
                name="subgroupmembership_unique_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.subgroup}{' (chair)' if self.is_chair else ''}"


class UserSession(AbstractBaseSession):
    """A browser session (people.sessions.SessionStore) with its signed-in user's id beside the signed blob,
    indexed, so a user's sessions are found without decoding every session."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    class Meta:
        db_table = "people_user_session"

    def __str__(self) -> str:
        return f"Session of user {self.user_id}"

    @classmethod
    def get_session_store_class(cls) -> Any:
        from safeguard.people.sessions import SessionStore

        return SessionStore
