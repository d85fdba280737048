"""E-mails about registrations, in the recipient's language."""
from flask_babel import lazy_gettext as _l

from camp.mail import send_email
from camp.registrations import services
from camp.registrations.models import RegistrationStatus
from camp.urls import external_url


def _send(reg, subject, template, **context):
    locale = reg.user.locale if reg.user is not None else None
    send_email(reg.email, subject, template, locale=locale, reg=reg, camp=reg.camp,
               link=external_url("camps.show", slug=reg.camp.slug), **context)


def registered(reg) -> None:
    if reg.status == RegistrationStatus.confirmed:
        _send(reg, _l("You are registered for %(camp)s", camp=reg.camp.title),
              "registration_confirmed")
    else:
        _send(reg, _l("You are on the waiting list for %(camp)s", camp=reg.camp.title),
              "registration_waitlisted", position=services.waitlist_position(reg))


def promoted(reg) -> None:
    _send(reg, _l("A seat is free: you are registered for %(camp)s", camp=reg.camp.title),
          "registration_promoted")


def cancelled(reg, by_organiser: bool) -> None:
    _send(reg, _l("Your registration for %(camp)s is cancelled", camp=reg.camp.title),
          "registration_cancelled", by_organiser=by_organiser)
