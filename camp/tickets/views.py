"""The ticket: a page and a PDF at /t/<secret>, and rotating a secret."""
from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from camp.documents import render_pdf
from camp.extensions import limiter
from camp.registrations.models import Registration
from camp.tickets import services
from camp.tickets.qr import qr_svg
from camp.web import get_in_camp, load_camp, post_action

bp = Blueprint("tickets", __name__)

# The secret is the credential; slow down anyone trying to guess one.
# One budget for the page and the PDF together: two addresses must not double it.
GUESS_LIMIT = "60 per minute"
ticket_guesses = limiter.shared_limit(GUESS_LIMIT, scope="ticket-lookup")


def _ticket(secret: str) -> Registration:
    reg = services.registration_by_secret(secret)
    if reg is None:
        abort(404)
    return reg


@bp.get("/t/<secret>")
@ticket_guesses
def show(secret):
    reg = _ticket(secret)
    # qr_svg() draws the secret as path data: no text of the ticket reaches the markup.
    return render_template("tickets/show.html", reg=reg, camp=reg.camp,
                           qr=Markup(qr_svg(services.ticket_url(reg))))  # nosec B704


@bp.get("/t/<secret>.pdf")
@ticket_guesses
def pdf(secret):
    reg = _ticket(secret)
    body = render_pdf("tickets/ticket_pdf.html", reg=reg, camp=reg.camp,
                      qr=Markup(qr_svg(services.ticket_url(reg))))  # nosec B704 - see show()
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="ticket-{reg.camp.slug}.pdf"'})


@bp.post("/camps/<slug>/manage/registrations/<int:reg_id>/rotate-ticket")
def rotate(slug, reg_id):
    camp = load_camp(slug, "camp.manage")
    reg = get_in_camp(Registration, reg_id, camp)
    return post_action(lambda: services.rotate_secret(current_user, reg),
                       _("%(name)s has a new ticket; the old QR code no longer works.",
                         name=reg.name),
                       url_for("registrations.manage_list", slug=camp.slug))
