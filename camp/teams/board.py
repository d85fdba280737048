"""The "looking for a team" board: interests, skills and ranked challenge preferences."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from camp.auth.models import User
from camp.camps.models import Camp
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from camp.teams.models import Seeker, TeamMember
from camp.teams.services import published_challenges, team_of


# -- the looking-for-a-team board ---------------------------------------------------------

@dataclass
class SeekerData:
    interests: str = ""
    skills: str = ""
    # Up to three challenge ids, most wanted first; None where left empty.
    preferences: list = field(default_factory=list)
    together_with_email: str = ""


def seeker_of(camp: Camp, user_id: int) -> Seeker | None:
    return db.session.execute(select(Seeker).where(Seeker.camp_id == camp.id,
                                                   Seeker.user_id == user_id)).scalar()


def _registered_user_id(camp: Camp, email: str) -> int | None:
    return db.session.execute(
        select(User.id).join(Registration, Registration.user_id == User.id)
        .where(Registration.camp_id == camp.id,
               Registration.status == RegistrationStatus.confirmed,
               func.lower(User.email) == email.strip().lower())).scalar()


def save_seeker(user: User, camp: Camp, data: SeekerData) -> Seeker:
    """Put (or update) someone on the board with interests, skills and ranked preferences."""
    if team_of(camp.id, user.id) is not None:
        raise Conflict(_l("You are already in a team at this camp."))
    published = {c.id for c in published_challenges(camp)}
    chosen: list[int] = []
    for index, challenge_id in enumerate(data.preferences[:3]):
        if not challenge_id:
            continue
        field_name = f"preference_{index + 1}"
        if challenge_id not in published:
            raise DomainError(_l("Choose one of the camp's published challenges."),
                              field=field_name)
        if challenge_id in chosen:
            raise DomainError(_l("Choose each challenge only once."), field=field_name)
        chosen.append(challenge_id)
    together_id = None
    email = (data.together_with_email or "").strip()
    if email:
        together_id = _registered_user_id(camp, email)
        if together_id is None:
            raise DomainError(_l("Nobody with a seat at this camp has that e-mail address."),
                              field="together_with")
        if together_id == user.id:
            raise DomainError(_l("Enter someone else's e-mail address."),
                              field="together_with")
    seeker = seeker_of(camp, user.id) or Seeker(camp_id=camp.id, user_id=user.id)
    seeker.interests = (data.interests or "").strip()[:1000]
    seeker.skills = (data.skills or "").strip()[:1000]
    seeker.preferences = chosen
    seeker.together_with_id = together_id
    db.session.add(seeker)
    try:
        db.session.flush()
    except IntegrityError:  # the same person saving twice at once
        db.session.rollback()
        raise Conflict(_l("Your profile was saved at the same moment. Reload and try again."))
    return seeker


def remove_seeker(user: User, camp: Camp) -> None:
    seeker = seeker_of(camp, user.id)
    if seeker is None:
        raise DomainError(_l("You are not on the board."))
    db.session.delete(seeker)
    db.session.flush()


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def board_page(camp: Camp, q: str = "", page: int = 1, per_page: int = 50):
    """Seekers who have no team yet, newest profile last, searchable."""
    in_team = select(TeamMember.id).where(TeamMember.camp_id == camp.id,
                                          TeamMember.user_id == Seeker.user_id).exists()
    query = select(Seeker).join(User, User.id == Seeker.user_id).where(
        Seeker.camp_id == camp.id, ~in_team).options(
        db.contains_eager(Seeker.user), db.joinedload(Seeker.together_with)) \
        .order_by(User.name, Seeker.id)
    if q:
        pattern = _like(q)
        query = query.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                                func.lower(User.organisation).like(pattern, escape="\\"),
                                func.lower(Seeker.interests).like(pattern, escape="\\"),
                                func.lower(Seeker.skills).like(pattern, escape="\\")))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
