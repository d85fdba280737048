"""The read API's answers (marshmallow schemas, named in the OpenAPI document).

Only what the site's pages show the same caller: no e-mail addresses, no registration
answers; people by name (and organisation) only where a page names them.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from camp.auth.models import ActorType
from camp.camps.models import CampFormat, CampStatus
from camp.challenges.models import ChallengeMode, ChallengeStatus, ResourceKind, \
    ValueDimension
from camp.charters.models import CharterPhase
from camp.prototypes.models import PrototypeStatus
from camp.trials.models import Leadership, PartyRole, TrialStatus

MAX_PER_PAGE = 100


class PageQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000),
                          metadata={"description": "1 for the first page."})
    per_page = fields.Integer(load_default=20,
                              validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"At most {MAX_PER_PAGE}."})


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The envelope of every list: {items, page, per_page, total, pages}."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item), required=True),
        "page": fields.Integer(required=True),
        "per_page": fields.Integer(required=True),
        "total": fields.Integer(required=True, metadata={"description": "Items in all pages."}),
        "pages": fields.Integer(required=True),
    }, name=name)


def _enum(enum_cls, **kw):
    return fields.Enum(enum_cls, by_value=True, **kw)


# -- camps ------------------------------------------------------------------------------

class CampRef(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)


class CampOut(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(metadata={"description": "Markdown."})
    format = _enum(CampFormat)
    status = _enum(CampStatus)
    venue = fields.String()
    address = fields.String()
    timezone = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    capacity = fields.Integer()
    registration_opens_at = fields.DateTime(allow_none=True)
    registration_closes_at = fields.DateTime(allow_none=True)
    prototype_deadline = fields.DateTime(allow_none=True)
    url = fields.String(metadata={"description": "The camp's page on the site."})


class CampDetailOut(CampOut):
    seats_left = fields.Integer()


class ProgrammeItemOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    place = fields.String()
    description = fields.String()


# -- challenges and teams -----------------------------------------------------------------

class ChallengeRef(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)


class OwnerOut(Schema):
    name = fields.String(required=True)
    organisation = fields.String()


class ValueOut(Schema):
    dimension = _enum(ValueDimension)
    how_noticed = fields.String()


class ResourceOut(Schema):
    kind = _enum(ResourceKind)
    description = fields.String()


class ChallengeOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = _enum(ChallengeStatus)
    owner_organisation = fields.String()
    owner_actor_type = _enum(ActorType)
    mode = _enum(ChallengeMode)
    problem = fields.String(metadata={"description": "Markdown, as are the other texts."})
    context = fields.String()
    affected = fields.String()
    owner_role = fields.String()
    expectations = fields.String()
    commitment = fields.String()
    contacts = fields.String()
    decline_reason = fields.String(allow_none=True, metadata={
        "description": "Only on a declined or returned challenge, for those who see it."})
    published_at = fields.DateTime(allow_none=True)
    values = fields.List(fields.Nested(ValueOut))
    resources = fields.List(fields.Nested(ResourceOut))
    owners = fields.List(fields.Nested(OwnerOut))
    url = fields.String()


class MemberOut(Schema):
    name = fields.String(required=True)
    organisation = fields.String()
    actor_type = _enum(ActorType)
    lead = fields.Boolean()


class TeamOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    pitch = fields.String()
    challenge = fields.Nested(ChallengeRef)
    size = fields.Integer()
    min_size = fields.Integer()
    max_size = fields.Integer()
    locked = fields.Boolean()
    members = fields.List(fields.Nested(MemberOut))
    url = fields.String()


# -- prototypes ---------------------------------------------------------------------------

class TeamRef(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PrototypeOut(Schema):
    id = fields.Integer(required=True)
    status = _enum(PrototypeStatus)
    team = fields.Nested(TeamRef)
    challenge = fields.Nested(ChallengeRef)
    revision = fields.Integer(allow_none=True, metadata={
        "description": "The last submitted revision's number; null before the first."})
    submitted_at = fields.DateTime(allow_none=True)
    draft = fields.Boolean(metadata={
        "description": "True when the fields are the team's current draft (shown to the "
                       "team and organisers), false when they are the last submission."})
    title = fields.String()
    pitch = fields.String()
    problem = fields.String()
    solution = fields.String()
    beneficiaries = fields.String()
    values = fields.List(fields.String())
    trial_needs = fields.String()
    next_steps = fields.String()
    links = fields.List(fields.String())
    url = fields.String()


# -- trials -------------------------------------------------------------------------------

class PrototypeRef(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)


class TrialOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = _enum(TrialStatus)
    progress = fields.Integer()
    purpose = fields.String()
    values = fields.List(fields.String())
    municipality = fields.String()
    unit = fields.String()
    area = fields.String()
    starts_on = fields.Date(allow_none=True)
    planned_end_on = fields.Date(allow_none=True)
    outcome_reason = fields.String()
    challenge = fields.Nested(ChallengeRef)
    camp = fields.Nested(CampRef)
    prototypes = fields.List(fields.Nested(PrototypeRef))
    url = fields.String()


class PartyOut(Schema):
    organisation = fields.String(required=True)
    role = _enum(PartyRole)
    leadership = _enum(Leadership)
    contact_name = fields.String()
    agreed_at = fields.DateTime(allow_none=True)
    commitment = fields.String(allow_none=True, metadata={"description": "Once agreed."})
    resources = fields.String(allow_none=True)


class MilestoneOut(Schema):
    title = fields.String(required=True)
    due_on = fields.Date()
    done_at = fields.DateTime(allow_none=True)


class TrialDetailOut(TrialOut):
    review_every_weeks = fields.Integer()
    parties = fields.List(fields.Nested(PartyOut))
    milestones = fields.List(fields.Nested(MilestoneOut))


# -- charters -----------------------------------------------------------------------------

class CharterOut(Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    phase = _enum(CharterPhase)
    introduction = fields.String(metadata={"description": "Markdown."})
    consultation_closes_at = fields.DateTime(allow_none=True)
    camp = fields.Nested(CampRef, allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    url = fields.String()


class ClauseOut(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True, metadata={"description": "e.g. 2.3"})
    text = fields.String(metadata={"description": "Markdown."})


class SectionOut(Schema):
    number = fields.Integer(required=True)
    title = fields.String(required=True)
    clauses = fields.List(fields.Nested(ClauseOut))


class VersionOut(Schema):
    number = fields.Integer(required=True)
    is_final = fields.Boolean()
    final_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class CharterDetailOut(CharterOut):
    sections = fields.List(fields.Nested(SectionOut), metadata={
        "description": "The current working text, numbered as on the charter's page."})
    latest_version = fields.Nested(VersionOut, allow_none=True)
