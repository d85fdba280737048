"""Who may do what. Default deny: an action not listed here is refused.

Views call `can(user, action, obj)` and abort with 403 (or 404 where the object's
existence is private). Per-camp roles come from Membership rows; `is_admin` may do all.
"""
from __future__ import annotations

from sqlalchemy import select

from camp.camps.models import Camp, CampStatus, Membership, Role
from camp.extensions import db


def camp_roles(user, camp: Camp) -> set[Role]:
    if not signed_in(user) or camp is None or camp.id is None:
        return set()
    cache = _cache(user)
    if camp.id not in cache:
        rows = db.session.execute(
            select(Membership.role).where(Membership.camp_id == camp.id,
                                          Membership.user_id == user.id)).scalars()
        cache[camp.id] = set(rows)
    return cache[camp.id]


def _cache(user) -> dict:
    # Per-request memo on the user object (Flask-Login reloads it every request).
    if not hasattr(user, "_camp_roles"):
        user._camp_roles = {}
    return user._camp_roles


def forget_roles(user) -> None:
    if hasattr(user, "_camp_roles"):
        user._camp_roles.clear()


def signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_admin(user) -> bool:
    return signed_in(user) and bool(getattr(user, "is_admin", False))


def _organiser(user, camp) -> bool:
    return Role.organiser in camp_roles(user, camp)


RUNS_CAMP = (Role.organiser, Role.staff, Role.jury)


def _view_camp(user, camp) -> bool:
    """Public camps for all; a draft only for the people who run it (and admins)."""
    return camp.is_public or bool(camp_roles(user, camp) & set(RUNS_CAMP))


def _register(user, camp) -> bool:
    return signed_in(user) and camp.status == CampStatus.published


def _manage_camp(user, camp) -> bool:
    return _organiser(user, camp)


def _checkin(user, camp) -> bool:
    roles = camp_roles(user, camp)
    return Role.organiser in roles or Role.staff in roles


def _own_registration(user, registration) -> bool:
    return signed_in(user) and registration.user_id == user.id


def _create_camp(user, _obj) -> bool:
    return signed_in(user) and (user.is_admin or Role.organiser in roles_anywhere(user))


def roles_anywhere(user) -> set[Role]:
    """The roles a user holds in any camp (for the navigation), once per request."""
    if not signed_in(user):
        return set()
    if not hasattr(user, "_roles_anywhere"):
        user._roles_anywhere = set(db.session.execute(
            select(Membership.role).where(Membership.user_id == user.id).distinct()).scalars())
    return user._roles_anywhere


def _owns_challenge(user, challenge) -> bool:
    return signed_in(user) and any(o.user_id == user.id for o in challenge.owners)


def _view_challenge(user, challenge) -> bool:
    """Published challenges for whoever sees the camp; the rest for owners and organisers."""
    if not _view_camp(user, challenge.camp):
        return False
    return challenge.is_public or _owns_challenge(user, challenge) \
        or _organiser(user, challenge.camp)


def _edit_challenge(user, challenge) -> bool:
    return _owns_challenge(user, challenge) or _organiser(user, challenge.camp)


def _post_challenge(user, camp) -> bool:
    """Problem owners (citizen groups included) post to a camp that is open, or organisers."""
    return signed_in(user) and (camp.status == CampStatus.published or _organiser(user, camp))


def _team_member(user, team) -> bool:
    return signed_in(user) and any(m.user_id == user.id for m in team.members)


def _team_lead(user, team) -> bool:
    return signed_in(user) and team.lead_id == user.id


def _confirmed_seat(user, camp) -> bool:
    if not signed_in(user):
        return False
    from camp.registrations.models import Registration, RegistrationStatus
    return db.session.execute(
        select(Registration.id).where(Registration.camp_id == camp.id,
                                      Registration.user_id == user.id,
                                      Registration.status == RegistrationStatus.confirmed)
    ).first() is not None


def _take_part(user, camp) -> bool:
    """Teams are for people with a confirmed seat (and organisers, who run them)."""
    return _organiser(user, camp) or _confirmed_seat(user, camp)


def _view_prototype(user, prototype) -> bool:
    """Submitted prototypes for whoever sees the camp; drafts for the team and the camp's
    organisers, jury and the challenge's owners."""
    if not _view_camp(user, prototype.camp):
        return False
    if prototype.status.value == "submitted":
        return True
    return _team_member(user, prototype.team) or _organiser(user, prototype.camp) \
        or _owns_challenge(user, prototype.challenge)


def _juror(user, camp) -> bool:
    return Role.jury in camp_roles(user, camp)


def _score(user, assignment) -> bool:
    """Only the assigned juror, while still on the camp's jury."""
    return signed_in(user) and assignment.juror_id == user.id \
        and _juror(user, assignment.prototype.camp)


def _published_or_organiser(field: str):
    def rule(user, camp) -> bool:
        if _organiser(user, camp):
            return True
        return getattr(camp, field) is not None and _view_camp(user, camp)
    return rule


def _view_charter(user, charter) -> bool:
    """A charter of a camp is seen by whoever sees the camp; a charter on its own by all."""
    return charter.camp is None or _view_camp(user, charter.camp)


def _edit_charter(user, charter) -> bool:
    if not signed_in(user):
        return False
    if charter.camp is not None and _organiser(user, charter.camp):
        return True
    return any(e.user_id == user.id for e in charter.editors)


def _join_charter(user, charter) -> bool:
    """Proposals, comments and stances: people taking part in the camp (any role or a
    seat); for a charter on its own, anyone signed in."""
    if not signed_in(user) or not _view_charter(user, charter):
        return False
    if charter.camp is None or _edit_charter(user, charter):
        return True
    return bool(camp_roles(user, charter.camp)) or _confirmed_seat(user, charter.camp)


def _manage_trial(user, trial) -> bool:
    """The challenge's owners run the trial; the camp's organisers help."""
    return _owns_challenge(user, trial.challenge) or _organiser(user, trial.camp)


def _start_trial(user, prototype) -> bool:
    return prototype.status.value == "submitted" and (
        _owns_challenge(user, prototype.challenge) or _organiser(user, prototype.camp))


def _own_party(user, party) -> bool:
    """A party's own contact; the trial's managers speak for the owner's party only."""
    if not signed_in(user):
        return False
    if party.user_id == user.id:
        return True
    return party.role.value == "owner" and _manage_trial(user, party.trial)


RULES = {
    "camp.view": _view_camp,
    "camp.register": _register,
    "camp.manage": _manage_camp,
    "camp.checkin": _checkin,
    "camp.create": _create_camp,
    "invitation.accept": lambda u, _invitation: signed_in(u),
    "registration.view": lambda u, r: _own_registration(u, r) or _organiser(u, r.camp),
    "registration.cancel": lambda u, r: _own_registration(u, r) or _organiser(u, r.camp),
    "registration.manage": lambda u, r: _organiser(u, r.camp),
    "challenge.create": _post_challenge,
    "challenge.view": _view_challenge,
    "challenge.edit": _edit_challenge,
    "challenge.moderate": lambda u, c: _organiser(u, c.camp),
    "challenge.answer": _owns_challenge,
    "team.take_part": _take_part,
    "team.view": lambda u, t: _view_camp(u, t.camp),
    "team.member": lambda u, t: _team_member(u, t) or _organiser(u, t.camp),
    "team.lead": lambda u, t: _team_lead(u, t) or _organiser(u, t.camp),
    "team.organise": lambda u, camp: _organiser(u, camp),
    "request.answer": lambda u, r: _owns_challenge(u, r.challenge),
    "request.view": lambda u, r: _owns_challenge(u, r.challenge) or _team_member(u, r.team)
    or _organiser(u, r.camp),
    "prototype.view": _view_prototype,
    "prototype.edit": lambda u, p: _team_member(u, p.team) or _organiser(u, p.camp),
    "prototype.extend": lambda u, p: _organiser(u, p.camp),
    "prototype.feedback": lambda u, p: _owns_challenge(u, p.challenge),
    "prototype.answer": lambda u, p: _team_member(u, p.team),
    "gallery.view": _view_camp,
    "jury.panel": _juror,
    "judging.score": _score,
    "judging.results": _published_or_organiser("jury_results_published_at"),
    # Every participant with a seat; the window and own-team rules are the service's
    # (they need a message, not a 403).
    "vote.cast": _confirmed_seat,
    "vote.results": _published_or_organiser("votes_published_at"),
    "charter.create": _create_camp,
    "charter.view": _view_charter,
    "charter.edit": _edit_charter,
    "charter.join": _join_charter,
    # Signing is confirmed by a link sent to the signer, so no account is needed.
    "charter.sign": _view_charter,
    "proposal.withdraw": lambda u, p: signed_in(u) and p.author_id == u.id,
    "trial.start": _start_trial,
    # Trials are followed in the open, like the camp's prototypes.
    "trial.view": lambda u, t: _view_camp(u, t.camp),
    "trial.manage": _manage_trial,
    "trial.follow": lambda u, t: signed_in(u) and _view_camp(u, t.camp),
    "party.commit": _own_party,
    "party.evaluate": _own_party,
    "trials.mine": lambda u, _o: signed_in(u),
    "admin": lambda u, _o: False,
}


def can(user, action: str, obj=None) -> bool:
    if is_admin(user):
        return True
    rule = RULES.get(action)
    if rule is None:
        return False
    return bool(rule(user, obj))
