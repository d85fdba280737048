"""Forms for the owner's feedback on a prototype and the team's answer."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from camp.prototypes.feedback import BODY_MAX

_too_long = Length(max=BODY_MAX, message=_l("Keep it under %(max)s characters.",
                                             max=f"{BODY_MAX:,}"))


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your feedback"),
        validators=[DataRequired(message=_l("Write your feedback.")), _too_long],
        description=_l("What works, what is missing before a trial, and what you would need "
                       "to decide. The team is told by e-mail."),
        render_kw={"rows": 5, "maxlength": BODY_MAX})


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your team's answer"),
        validators=[DataRequired(message=_l("Write your answer.")), _too_long],
        render_kw={"rows": 3, "maxlength": BODY_MAX})


def reply_forms(comments, submitted=None) -> dict:
    """comment id -> a blank answer form (or the one just posted, with its errors)."""
    forms = {}
    for c in comments:
        form = ReplyForm(prefix=f"reply-{c.id}", formdata=None)
        if submitted is not None and submitted._prefix == form._prefix:
            form = submitted
        forms[c.id] = form
    return forms
