"""Forms for opening an evaluation round and for a party's answer."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from camp.trials import evaluation as ev


class RoundForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Give the round a title.")),
                                 Length(max=ev.TITLE_MAX)],
        description=_l("For example \"After three months\" or \"Final evaluation\"."))
    closes_on = DateField(
        _l("Closes on (optional)"), validators=[Optional()],
        description=_l("The last day the parties can answer. Leave it empty to close the "
                       "round by hand."))


def _scale_required(form, field):
    if str(field.data or "") not in {str(n) for n in range(ev.SCALE_MIN, ev.SCALE_MAX + 1)}:
        field.errors[:] = []
        raise StopValidation(str(_l("Choose a value from %(min)s to %(max)s.",
                                    min=ev.SCALE_MIN, max=ev.SCALE_MAX)))


_scale_required.field_flags = {"required": True}


def _scale(label, low, high, description=None) -> RadioField:
    choices = []
    for n in range(ev.SCALE_MIN, ev.SCALE_MAX + 1):
        text = str(n)
        if n == ev.SCALE_MIN:
            text = _l("%(n)s (%(meaning)s)", n=n, meaning=low)
        elif n == ev.SCALE_MAX:
            text = _l("%(n)s (%(meaning)s)", n=n, meaning=high)
        choices.append(SelectChoice(str(n), text))
    return RadioField(label, choices=choices, validate_choice=False,
                      validators=[_scale_required], description=description)


def _text(label, description=None) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=ev.TEXT_MAX)],
                         description=description,
                         render_kw={"rows": 3, "maxlength": ev.TEXT_MAX})


def answer_form(trial, **kwargs) -> FlaskForm:
    """One form per trial: its value dimensions, the collaboration, a recommendation."""

    class AnswerForm(FlaskForm):
        pass

    not_at_all, fully = _l("not at all"), _l("fully")
    for d in ev.dimensions(trial):
        label = ev.value_label(d)
        setattr(AnswerForm, ev.value_field(d.value, "achieved"), _scale(
            _l("%(value)s: how far was it achieved?", value=label), not_at_all, fully))
        setattr(AnswerForm, ev.value_field(d.value, "co_creation"), _scale(
            _l("%(value)s: did co-creation contribute to it?", value=label),
            _l("not at all"), _l("decisively")))
        setattr(AnswerForm, ev.value_field(d.value, "text"), _text(
            _l("%(value)s: what did you see?", value=label),
            _l("Examples, figures or observations.")))
    disagree, agree = _l("disagree"), _l("agree fully")
    for item in ev.COLLABORATION_ITEMS:
        setattr(AnswerForm, ev.collaboration_field(item),
                _scale(ev.COLLABORATION_LABELS[item], disagree, agree))
    AnswerForm.collaboration_text = _text(_l("How did the collaboration work?"),
                                          _l("What worked, and what was hard?"))
    AnswerForm.recommendation = RadioField(
        _l("What do you recommend?"),
        choices=[SelectChoice(r.value, label) for r, label in
                 ev.RECOMMENDATION_LABELS.items()],
        validators=[DataRequired(message=_l("Choose scale up, adapt or stop."))],
        invalid_choice_message=_l("Choose scale up, adapt or stop."))
    AnswerForm.comment = _text(_l("Comment"), _l("Anything else the other parties and the "
                                                 "decision makers should know."))
    return AnswerForm(**kwargs)


def value_fields(form, trial) -> list[tuple[str, list]]:
    """(dimension label, [its three fields]) for the template."""
    return [(ev.value_label(d), [form[ev.value_field(d.value, p)]
                                 for p in ("achieved", "co_creation", "text")])
            for d in ev.dimensions(trial)]


def collaboration_fields(form) -> list:
    return [form[ev.collaboration_field(i)] for i in ev.COLLABORATION_ITEMS] + \
        [form.collaboration_text]


def data_for_service(form, trial) -> ev.AnswerData:
    values = {d.value: {p: form[ev.value_field(d.value, p)].data
                        for p in ("achieved", "co_creation", "text")}
              for d in ev.dimensions(trial)}
    collaboration = {i: form[ev.collaboration_field(i)].data for i in ev.COLLABORATION_ITEMS}
    collaboration["text"] = form.collaboration_text.data
    return ev.AnswerData(values=values, collaboration=collaboration,
                         recommendation=form.recommendation.data,
                         comment=form.comment.data or "")

