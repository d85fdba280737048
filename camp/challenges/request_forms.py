"""Forms for a team's question to its challenge owner, and the owner's answer."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from camp.challenges.models import RequestKind
from camp.challenges.requests import KIND_LABELS, TEXT_MAX

_too_long = Length(max=TEXT_MAX, message=_l("Keep it under %(max)s characters.",
                                             max=f"{TEXT_MAX:,}"))


class AskForm(FlaskForm):
    kind = RadioField(
        _l("What do you need?"), default=RequestKind.question.value,
        choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in RequestKind],
        validators=[InputRequired(message=_l("Choose a question or a resource request."))],
        description=_l("A question asks for knowledge; a resource request asks for people, "
                       "data, rooms, money or a decision."))
    text = TextAreaField(
        _l("Your question or request"),
        validators=[DataRequired(message=_l("Write your question or request.")), _too_long],
        description=_l('For example "Can we talk to a frontline worker this afternoon?" or '
                       '"Do you have data on how many elderly citizens live alone?"'),
        render_kw={"rows": 4, "maxlength": TEXT_MAX})


class AnswerForm(FlaskForm):
    text = TextAreaField(_l("Your answer"), validators=[
        DataRequired(message=_l("Write the answer.")), _too_long],
        render_kw={"rows": 3, "maxlength": TEXT_MAX})


class DeclineForm(FlaskForm):
    text = TextAreaField(_l("Why you decline"), validators=[
        DataRequired(message=_l("Tell the team why you decline.")), _too_long],
        description=_l("The team sees this reason."),
        render_kw={"rows": 2, "maxlength": TEXT_MAX})


def response_forms(requests, submitted=None) -> dict:
    """request id -> (answer form, decline form) for each open request.

    `submitted` is the form just posted (with its errors), shown in place of a blank one.
    """
    from camp.challenges.models import RequestStatus
    forms = {}
    for req in requests:
        if req.status != RequestStatus.open:
            continue
        answer = AnswerForm(prefix=f"answer-{req.id}", formdata=None)
        decline = DeclineForm(prefix=f"decline-{req.id}", formdata=None)
        if submitted is not None and submitted._prefix == answer._prefix:
            answer = submitted
        if submitted is not None and submitted._prefix == decline._prefix:
            decline = submitted
        forms[req.id] = (answer, decline)
    return forms
