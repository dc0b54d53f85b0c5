"""Request and response bodies shared by the routers (Pydantic)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field, Strict

from service.auth import USERNAME_PATTERN

#: Public identifiers: 32 hex digits.
ID_PATTERN = r"^[0-9a-f]{32}$"
#: Defect, feature-check and item identifiers: letters, digits and . _ : -
CODE_PATTERN = r"^[A-Za-z0-9_.:-]{1,100}$"
#: Free text: printable, no control characters.
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]+$"
Username = Annotated[str, Field(pattern=USERNAME_PATTERN)]
# Request numbers and flags are taken as JSON gives them: no "5" for 5, no true for 1.
SInt = Annotated[int, Strict()]
SFloat = Annotated[float, Strict(), AllowInfNan(False)]
SBool = Annotated[bool, Strict()]


def _iso_text(value: object) -> object:
    if not isinstance(value, str | datetime.date):
        raise ValueError("give the date as text, YYYY-MM-DD")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_text)]
PublicId = Annotated[str, Field(pattern=ID_PATTERN)]

Role = Literal["admin", "instructor", "trainee", "lab"]
Language = Literal["en", "ru"]


class Token(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class UserOut(BaseModel):
    """An account as others see it (never its password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    username: str
    role: Role
    language: Language
    active: bool
    created_at: datetime.datetime


class UserCreate(BaseModel):
    """A new account (admin only); a password is generated when none is given."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN)
    role: Role
    password: str | None = Field(default=None, min_length=10, max_length=256)
    language: Language = "en"


class ProfileUpdate(BaseModel):
    """Your own feedback language and/or password (the current one is needed to change it)."""

    model_config = ConfigDict(extra="forbid")

    language: Language | None = None
    password: str | None = Field(default=None, min_length=10, max_length=256)
    current_password: str | None = Field(default=None, max_length=256)


class UserUpdate(BaseModel):
    """An admin's change to an account: role, language, active (inactive = locked out)."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    language: Language | None = None
    active: SBool | None = None


class UserCreated(UserOut):
    """The new account, with its password when it was generated (shown once)."""

    password: str | None = None


class ApiKeyCreated(BaseModel):
    """A new lab API key (shown once; stored hashed)."""

    key: str
    key_id: str
    rate_limit_per_min: int


# ---------------------------------------------------------------- training

Topic = Literal["document", "vehicle", "mixed"]
DecisionName = Literal["accept", "refer", "reject"]
MAX_EXERCISE_ITEMS = 200


class CohortCreate(BaseModel):
    """A cohort of trainees (owned by the instructor who creates it)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=TEXT_PATTERN)
    trainees: list[Username] = Field(default_factory=list, max_length=1000)


class CohortMembers(BaseModel):
    """Trainees to add to a cohort."""

    model_config = ConfigDict(extra="forbid")

    trainees: list[Username] = Field(min_length=1, max_length=1000)


class CohortOut(BaseModel):
    """A cohort and its trainees."""

    id: str
    name: str
    trainees: list[str]
    created_at: datetime.datetime


class ExerciseCreate(BaseModel):
    """Parameters of a new exercise (all but the topic optional)."""

    model_config = ConfigDict(extra="forbid")

    topic: Topic
    level: SInt = Field(default=1, ge=1, le=3,
                       description="Trainee level: 1 first line, 2 second line, 3 expert")
    count: SInt = Field(default=10, ge=1, le=MAX_EXERCISE_ITEMS)
    forgery_rate: SFloat = Field(default=0.5, ge=0.0, le=1.0)
    scenarios: list[Annotated[str, Field(pattern=CODE_PATTERN)]] = Field(
        default_factory=list, max_length=50)
    time_limit_s: SInt | None = Field(default=None, ge=5, le=24 * 3600,
                                     description="Time allowed per item")
    reference_date: IsoDate | None = Field(
        default=None, ge=datetime.date(1990, 1, 1), le=datetime.date(2099, 12, 31),
        description="The exercise's today (default: the generator's fixed date)")
    seed: SInt | None = Field(default=None, ge=0, lt=2**63)
    dpi: SInt | None = Field(default=None, ge=100, le=300, description="Resolution of the views")


class ExerciseOut(BaseModel):
    """An exercise as its instructor sees it."""

    id: str
    topic: str
    level: int
    count: int
    forgery_rate: float
    seed: int
    reference_date: datetime.date
    time_limit_s: int | None
    scenarios: list[str]
    items: list[str]
    created_at: datetime.datetime


class AssignmentCreate(BaseModel):
    """Whom to give an exercise to: trainees by username and/or cohorts by id."""

    model_config = ConfigDict(extra="forbid")

    trainees: list[Username] = Field(default_factory=list, max_length=1000)
    cohorts: list[PublicId] = Field(default_factory=list, max_length=100)


class AssignmentOut(BaseModel):
    """An assignment and its progress."""

    id: str
    exercise_id: str
    trainee: str
    cohort_id: str | None
    topic: str
    level: int
    items: int
    submitted: int
    time_limit_s: int | None
    reference_date: datetime.date
    created_at: datetime.datetime


class ItemOut(BaseModel):
    """An item as a trainee sees it: the views their level allows, whether it is submitted."""

    id: str
    model: str | None
    views: dict[str, str]
    submitted: bool


class AssignmentDetail(AssignmentOut):
    """An assignment with its items."""

    item_list: list[ItemOut]
    registry: bool
    files: dict[str, str] = Field(
        default_factory=dict, description="Exercise-wide files (reference sheets, alert lists)")


class FindingIn(BaseModel):
    """A finding: a defect or check ID, optionally with a point or a box in a named view."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=CODE_PATTERN)
    view: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]{1,64}$")
    point: tuple[SFloat, SFloat] | None = None
    box: tuple[SFloat, SFloat, SFloat, SFloat] | None = None


class SubmissionIn(BaseModel):
    """A trainee's final answer for one item."""

    model_config = ConfigDict(extra="forbid")

    decision: DecisionName
    findings: list[FindingIn] = Field(default_factory=list, max_length=50)
    time_spent_s: SFloat = Field(ge=0, le=7 * 24 * 3600)


class SubmissionOut(BaseModel):
    """The stored submission (feedback is at .../feedback)."""

    assignment_id: str
    item_id: str
    decision: DecisionName
    time_spent_s: float
    submitted_at: datetime.datetime
    feedback: str


class Feedback(BaseModel):
    """What the trainee caught, missed and flagged wrongly, with the key's regions."""

    item_id: str
    score: float
    decision: str
    outcome: str
    genuine: bool
    expected: list[str]
    time_spent_s: float
    over_time: bool
    caught: list[dict[str, object]]
    missed: list[dict[str, object]]
    false_findings: list[dict[str, object]]
    scenario: dict[str, object] | None = Field(
        default=None, description="The forgery scenario the item's defects belong to")


class RegistrySearch(BaseModel):
    """A registry query as an officer makes it: exactly one of vin, last, plate, engine."""

    model_config = ConfigDict(extra="forbid")

    vin: str | None = Field(default=None, max_length=64)
    last: str | None = Field(default=None, min_length=6, max_length=24,
                             description="The last 6-16 characters of a VIN")
    plate: str | None = Field(default=None, max_length=64)
    engine: str | None = Field(default=None, max_length=64)
    fuzzy: SBool = Field(default=True, description="Include look-alike matches")
    near: SBool = Field(default=False, description=(
        "Include near misses too: VINs one or two characters away by characters that are "
        "not look-alikes (other vehicles, unless a digit was mistyped)"))
    limit: SInt = Field(default=20, ge=1, le=100)
    assignment_id: PublicId | None = Field(
        default=None, description="Search the registry extract of this assignment's exercise")
