"""E-mails about challenges, each in the recipient's own language."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from camp.auth.models import User
from camp.camps.models import Membership, Role
from camp.extensions import db
from camp.mail import send_email
from camp.urls import external_url


def _link(challenge) -> str:
    return external_url("challenges.show", slug=challenge.camp.slug, challenge_id=challenge.id)


def _send(users, subject, template, challenge, **context) -> None:
    for user in users:
        if user.deleted_at is not None:
            continue
        send_email(user.email, subject, template, locale=user.locale, user=user,
                   challenge=challenge, camp=challenge.camp, link=_link(challenge), **context)


def _owners(challenge) -> list[User]:
    return [o.user for o in challenge.owners]


def _organisers(camp) -> list[User]:
    return db.session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.camp_id == camp.id, Membership.role == Role.organiser)
        .order_by(User.id)).scalars().all()


def submitted(challenge) -> None:
    _send(_organisers(challenge.camp),
          _l("New challenge to moderate: %(title)s", title=challenge.title),
          "challenge_submitted", challenge,
          manage_link=external_url("challenges.manage", slug=challenge.camp.slug))


def accepted(challenge) -> None:
    _send(_owners(challenge), _l("Your challenge is accepted: %(title)s", title=challenge.title),
          "challenge_accepted", challenge)


def declined(challenge) -> None:
    _send(_owners(challenge), _l("Your challenge is declined: %(title)s", title=challenge.title),
          "challenge_declined", challenge)


def published(challenge) -> None:
    _send(_owners(challenge),
          _l("Your challenge is published: %(title)s", title=challenge.title),
          "challenge_published", challenge)


def owner_added(owner, added_by) -> None:
    challenge = owner.challenge
    _send([owner.user], _l("You are now a co-owner of %(title)s", title=challenge.title),
          "challenge_owner_added", challenge, added_by=added_by.name)
