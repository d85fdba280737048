"""Forms for milestones and progress updates."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, MultipleFileField, SelectField, StringField, \
    TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from camp.trials import updates
from camp.trials.milestones import TITLE_MAX

_progress_message = _l("Progress is a whole number from 0 to 100.")


class MilestoneForm(FlaskForm):
    title = StringField(
        _l("Milestone"),
        validators=[DataRequired(message=_l("Give the milestone a title.")),
                    Length(max=TITLE_MAX, message=_l("Keep the title under %(max)s characters.",
                                                     max=TITLE_MAX))],
        render_kw={"maxlength": TITLE_MAX})
    due_on = DateField(_l("Due on"),
                       validators=[DataRequired(message=_l("Enter the date the milestone is "
                                                           "due."))])


class ProgressField(IntegerField):
    """A whole number; anything else gets our own (translated) message."""

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(str(_progress_message)) from None


class UpdateForm(FlaskForm):
    body = TextAreaField(
        _l("What has happened?"),
        validators=[DataRequired(message=_l("Write what has happened.")),
                    Length(max=updates.BODY_MAX,
                           message=_l("Keep it under %(max)s characters.",
                                      max=f"{updates.BODY_MAX:,}"))],
        description=_l("Followers of the trial get this text by e-mail."),
        render_kw={"rows": 5, "maxlength": updates.BODY_MAX})
    progress = ProgressField(
        _l("Progress (%)"),
        validators=[Optional(), NumberRange(min=0, max=100, message=_progress_message)],
        description=_l("Leave empty to keep the current progress."),
        render_kw={"min": 0, "max": 100, "inputmode": "numeric"})
    # The service gives the clear refusal of a step that is not allowed.
    status = SelectField(_l("Change the status"), choices=[], default="",
                         validate_choice=False)
    reason = TextAreaField(
        _l("Reason for the change"),
        validators=[Length(max=updates.BODY_MAX)],
        description=_l("Needed when the trial is stopped or adapted."),
        render_kw={"rows": 2})
    photos = MultipleFileField(
        _l("Photos"),
        description=_l("Up to %(n)s photos, PNG or JPEG, at most 10 MB each.",
                       n=updates.MAX_PHOTOS),
        render_kw={"accept": ".png,.jpg,.jpeg,image/png,image/jpeg"})

    def __init__(self, *args, trial=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = status_choices(trial)


def status_choices(trial) -> list[tuple[str, str]]:
    """"Keep the status" first, then the steps allowed from the trial's status (part F's
    ALLOWED_STEPS)."""
    from camp.trials.labels import STATUS_LABELS, status_label
    from camp.trials.services import next_statuses
    if trial is None:
        return [("", _l("Keep the status"))]
    keep = ("", _l("Keep the status (%(status)s)", status=status_label(trial.status)))
    return [keep] + [(s.value, STATUS_LABELS[s]) for s in next_statuses(trial)]
