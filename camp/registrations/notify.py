"""E-mails about registrations, in the recipient's language."""
from flask_babel import lazy_gettext as _l

from camp.mail import send_email
from camp.registrations import services
from camp.registrations.models import RegistrationStatus
from camp.urls import external_url


def _send(reg, subject, template, attachments=(), **context):
    locale = reg.user.locale if reg.user is not None else None
    send_email(reg.email, subject, template, locale=locale, reg=reg, camp=reg.camp,
               link=external_url("camps.show", slug=reg.camp.slug),
               attachments=attachments, **context)


def _with_ticket(reg, subject, template) -> None:
    """A seat means a ticket: the QR code as PNG, its page, and the camp in a calendar."""
    from camp.tickets.qr import qr_png
    from camp.tickets.services import camp_ics, ticket_url
    url = ticket_url(reg)
    _send(reg, subject, template, ticket_link=url, attachments=[
        ("ticket-qr.png", qr_png(url), "image/png"),
        (f"{reg.camp.slug}.ics", camp_ics(reg.camp), "text/calendar")])


def registered(reg) -> None:
    if reg.status == RegistrationStatus.confirmed:
        _with_ticket(reg, _l("You are registered for %(camp)s", camp=reg.camp.title),
                     "registration_confirmed")
    else:
        _send(reg, _l("You are on the waiting list for %(camp)s", camp=reg.camp.title),
              "registration_waitlisted", position=services.waitlist_position(reg))


def promoted(reg) -> None:
    _with_ticket(reg, _l("A seat is free: you are registered for %(camp)s",
                         camp=reg.camp.title), "registration_promoted")


def cancelled(reg, by_organiser: bool) -> None:
    _send(reg, _l("Your registration for %(camp)s is cancelled", camp=reg.camp.title),
          "registration_cancelled", by_organiser=by_organiser)
