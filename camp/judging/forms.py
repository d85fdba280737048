"""Forms for criteria, jury assignment and the juror's scoring form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, SelectField, StringField, \
    TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from camp.judging import assignment, criteria, scoring

_required = DataRequired(message=_l("This field is required."))


class CriterionForm(FlaskForm):
    name = StringField(_l("Name"), validators=[_required, Length(max=criteria.NAME_MAX)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=criteria.DESCRIPTION_MAX)],
        description=_l("What the jurors look for. Shown beside the scores."),
        render_kw={"rows": 3})
    weight = IntegerField(
        _l("Weight"), default=1,
        validators=[NumberRange(criteria.WEIGHT_MIN, criteria.WEIGHT_MAX,
                                message=_l("Give a whole number from 1 to 10."))],
        description=_l("How much the criterion counts in the mean, from 1 to 10."))
    scale_max = IntegerField(
        _l("Highest score"), default=5,
        validators=[NumberRange(criteria.SCALE_MIN, criteria.SCALE_MAX,
                                message=_l("Give a whole number from 3 to 10."))],
        description=_l("Jurors score from 1 up to this number (3 to 10)."))

    def data_for_service(self) -> criteria.CriterionData:
        return criteria.CriterionData(self.name.data or "", self.description.data or "",
                                      self.weight.data, self.scale_max.data)


class AutoAssignForm(FlaskForm):
    per_prototype = SelectField(
        _l("Jurors per prototype"), coerce=int, default=2,
        choices=[SelectChoice(n, str(n)) for n in range(assignment.PER_PROTOTYPE_MIN,
                                                         assignment.PER_PROTOTYPE_MAX + 1)],
        description=_l("At least this many jurors score each submitted prototype."))


class AddAssignmentForm(FlaskForm):
    prototype_id = IntegerField(validators=[InputRequired()])
    juror_id = IntegerField(_l("Juror"), validators=[
        InputRequired(message=_l("Choose a juror."))])


def score_field_name(criterion) -> str:
    return f"c{criterion.id}"


def score_form(criteria_list, stored: dict[int, int] | None = None, comment: str = "",
               **kwargs) -> FlaskForm:
    """A form with one radio group 1..scale_max per criterion and a comment."""

    class ScoreForm(FlaskForm):
        pass

    for c in criteria_list:
        choices = []
        for n in range(1, c.scale_max + 1):
            label = str(n)
            if n == 1:
                label = _l("%(n)s (lowest)", n=n)
            elif n == c.scale_max:
                label = _l("%(n)s (highest)", n=n)
            choices.append(SelectChoice(str(n), label))
        setattr(ScoreForm, score_field_name(c), RadioField(
            c.name, choices=choices, validators=[Optional()], description=c.description,
            validate_choice=True, invalid_choice_message=_l(
                "Choose a score from 1 to %(max)s.", max=c.scale_max)))
    ScoreForm.comment = TextAreaField(
        _l("Comment"), validators=[Optional(), Length(max=scoring.COMMENT_MAX)],
        description=_l("Optional: what convinced you, and what the team could improve."),
        render_kw={"rows": 4})
    form = ScoreForm(**kwargs)
    if not form.is_submitted():
        for c in criteria_list:
            if stored and c.id in stored:
                form[score_field_name(c)].data = str(stored[c.id])
        form.comment.data = comment
    return form


def score_values(form, criteria_list) -> dict[int, int | None]:
    values = {}
    for c in criteria_list:
        raw = form[score_field_name(c)].data
        # Optional() lets blank input (also "  ") through as "no score" without checking
        # the choice, so only a stripped value is a number.
        raw = raw.strip() if isinstance(raw, str) else raw
        values[c.id] = int(raw) if raw not in (None, "", "None") else None
    return values
