"""/me/api-tokens: an organiser's read-only API tokens (create, list, revoke)."""
from flask import Blueprint, abort, flash, make_response, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from camp.api import tokens
from camp.api.forms import RevokeForm, TokenForm
from camp.api.models import ApiToken
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db
from camp.web import post_action, show_domain_error

bp = Blueprint("api_tokens", __name__)


def _page(form, new_secret=None, status=200):
    response = make_response(render_template(
        "api/tokens.html", form=form, may_create=tokens.may_create(current_user),
        tokens=tokens.tokens_of(current_user), now=utcnow(), new_secret=new_secret,
        revoke_form=RevokeForm(formdata=None),
        docs_url=url_for("api-docs.openapi_json")), status)
    # The secret appears once, in this answer only: no cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/me/api-tokens", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    if form.is_submitted() and not tokens.may_create(current_user):
        abort(403)
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_token(current_user, form.name.data, form.days())
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            db.session.commit()
            flash(_("The token \"%(name)s\" is created.", name=token.name), "success")
            return _page(TokenForm(formdata=None), new_secret=secret)
    return _page(form)


@bp.post("/me/api-tokens/revoke")
@login_required
def revoke():
    form = RevokeForm()
    token = db.session.get(ApiToken, form.token_id.data) \
        if form.validate_on_submit() else None
    if token is None or token.user_id != current_user.id:
        abort(404)
    return post_action(lambda: tokens.revoke(current_user, token),
                       _("\"%(name)s\" no longer works.", name=token.name),
                       url_for("api_tokens.index"))
