"""Who may do what. Default deny: an action not listed here is refused.

Views call `can(user, action, obj)` and abort with 403 (or 404 where the object's
existence is private). Per-camp roles come from Membership rows; `is_admin` may do all.
"""
from __future__ import annotations

from sqlalchemy import select

from camp.camps.models import Camp, CampStatus, Membership, Role
from camp.extensions import db


def camp_roles(user, camp: Camp) -> set[Role]:
    if not _signed_in(user) or camp is None or camp.id is None:
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


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _is_admin(user) -> bool:
    return _signed_in(user) and bool(getattr(user, "is_admin", False))


def _organiser(user, camp) -> bool:
    return Role.organiser in camp_roles(user, camp)


RUNS_CAMP = (Role.organiser, Role.staff, Role.jury)


def _view_camp(user, camp) -> bool:
    """Public camps for all; a draft only for the people who run it (and admins)."""
    return camp.is_public or bool(camp_roles(user, camp) & set(RUNS_CAMP))


def _register(user, camp) -> bool:
    return _signed_in(user) and camp.status == CampStatus.published


def _manage_camp(user, camp) -> bool:
    return _organiser(user, camp)


def _checkin(user, camp) -> bool:
    roles = camp_roles(user, camp)
    return Role.organiser in roles or Role.staff in roles


def _own_registration(user, registration) -> bool:
    return _signed_in(user) and registration.user_id == user.id


def _create_camp(user, _obj) -> bool:
    return _signed_in(user) and (user.is_admin or Role.organiser in roles_anywhere(user))


def roles_anywhere(user) -> set[Role]:
    """The roles a user holds in any camp (for the navigation), once per request."""
    if not _signed_in(user):
        return set()
    if not hasattr(user, "_roles_anywhere"):
        user._roles_anywhere = set(db.session.execute(
            select(Membership.role).where(Membership.user_id == user.id).distinct()).scalars())
    return user._roles_anywhere


RULES = {
    "camp.view": _view_camp,
    "camp.register": _register,
    "camp.manage": _manage_camp,
    "camp.checkin": _checkin,
    "camp.create": _create_camp,
    "invitation.accept": lambda u, _invitation: _signed_in(u),
    "registration.view": lambda u, r: _own_registration(u, r) or _organiser(u, r.camp),
    "registration.cancel": lambda u, r: _own_registration(u, r) or _organiser(u, r.camp),
    "registration.manage": lambda u, r: _organiser(u, r.camp),
    "admin": lambda u, _o: False,
}


def can(user, action: str, obj=None) -> bool:
    if _is_admin(user):
        return True
    rule = RULES.get(action)
    if rule is None:
        return False
    return bool(rule(user, obj))
