"""Translated names of challenge states, modes, values and resources."""
from flask_babel import lazy_gettext as _l

from camp.auth.models import ActorType
from camp.challenges.models import ChallengeMode, ChallengeStatus, ResourceKind, ValueDimension

STATUS_LABELS = {
    ChallengeStatus.draft: _l("Draft"),
    ChallengeStatus.submitted: _l("Awaiting moderation"),
    ChallengeStatus.accepted: _l("Accepted"),
    ChallengeStatus.declined: _l("Declined"),
    ChallengeStatus.published: _l("Published"),
}

# What the status means for the owner, shown on the challenge page to those who see drafts.
STATUS_EXPLANATIONS = {
    ChallengeStatus.draft: _l("This challenge is a draft. Only its owners and the organisers "
                              "can see it. Submit it when it is ready for the organisers."),
    ChallengeStatus.submitted: _l("This challenge is waiting for the organisers to accept it. "
                                  "It is not public yet."),
    ChallengeStatus.accepted: _l("The organisers have accepted this challenge. It becomes "
                                 "public when they publish it."),
    ChallengeStatus.declined: _l("The organisers have declined this challenge. You can edit it "
                                 "and submit it again."),
    ChallengeStatus.published: _l("This challenge is public."),
}

MODE_LABELS = {
    ChallengeMode.co_creation: _l("Co-creation"),
    ChallengeMode.co_production: _l("Co-production"),
}

MODE_HINTS = {
    ChallengeMode.co_creation: _l("Develop a new solution together with the other parties."),
    ChallengeMode.co_production: _l("Deliver a service together with the other parties."),
}

VALUE_LABELS = {
    ValueDimension.quality: _l("Better quality"),
    ValueDimension.efficiency: _l("Higher efficiency"),
    ValueDimension.democracy: _l("More democracy and participation"),
    ValueDimension.other: _l("Other value"),
}

RESOURCE_LABELS = {
    ResourceKind.people: _l("People"),
    ResourceKind.data: _l("Data"),
    ResourceKind.rooms: _l("Rooms"),
    ResourceKind.budget: _l("Budget"),
    ResourceKind.decisions: _l("Decision power"),
}

RESOURCE_HINTS = {
    ResourceKind.people: _l("For example: a frontline worker joins the team for two hours."),
    ResourceKind.data: _l("For example: anonymised figures on waiting times."),
    ResourceKind.rooms: _l("For example: a meeting room at the town hall for testing."),
    ResourceKind.budget: _l("For example: 20,000 kr. for materials in the trial."),
    ResourceKind.decisions: _l("For example: the head of department can approve a trial."),
}

# DOMAIN.md principle 7: citizen-driven challenges are first-class and shown as such.
CITIZEN_DRIVEN = frozenset({ActorType.citizen, ActorType.service_user})


def is_citizen_driven(challenge) -> bool:
    return challenge.owner_actor_type in CITIZEN_DRIVEN

