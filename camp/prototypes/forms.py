"""Forms for the prototype draft, its files, and the organiser's deadline and extensions."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, HiddenField, SelectChoice, SelectMultipleField, \
    StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from camp.challenges.labels import VALUE_LABELS
from camp.prototypes import services
from camp.prototypes.labels import FIELD_LABELS

_required = DataRequired(message=_l("This field is required."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {c[0] if isinstance(c, tuple) else c.value for c in self.choices or []}
        if any(v not in allowed for v in self.data or []):
            raise ValidationError(_l("Choose only among the values of the team's challenge."))


def _text(name, description, rows=5):
    return TextAreaField(FIELD_LABELS[name], validators=[
        Optional(), Length(max=services.TEXT_MAX)], description=description,
        render_kw={"rows": rows})


def _links_check(form, field):
    _, error = services.clean_links(field.data)
    if error:
        raise ValidationError(error)


class PrototypeForm(FlaskForm):
    version = HiddenField(default="0")
    title = StringField(FIELD_LABELS["title"], validators=[
        _required, Length(max=services.TITLE_MAX)])
    pitch = StringField(FIELD_LABELS["pitch"], validators=[
        Optional(), Length(max=services.PITCH_MAX)],
        description=_l("One sentence a busy manager remembers."))
    problem = _text("problem", _l("What did you find out about the problem, and from whom? "
                                  "Markdown is allowed."), rows=6)
    solution = _text("solution", _l("What is the prototype, and how does it work?"), rows=6)
    beneficiaries = _text("beneficiaries", _l("Who is better off, and how?"), rows=3)
    values = MultiCheckboxField(FIELD_LABELS["values"], choices=[],
                                description=_l("The challenge's intended values this "
                                               "prototype creates."))
    trial_needs = _text("trial_needs", _l("Resources, partners and decisions a trial in "
                                          "practice would need."), rows=4)
    next_steps = _text("next_steps", _l("Who does what next?"), rows=3)
    links = TextAreaField(FIELD_LABELS["links"], validators=[
        Optional(), Length(max=services.TEXT_MAX), _links_check],
        description=_l("One web address per line, starting with https://."),
        render_kw={"rows": 3})

    def version_number(self) -> int:
        try:
            return int(self.version.data or 0)
        except (TypeError, ValueError):
            return -1  # never a real version: the save is refused as stale

    def data_for_service(self) -> services.PrototypeData:
        return services.PrototypeData(**{
            name: (self[name].data or ([] if name == "values" else ""))
            for name in ("title", "pitch", "problem", "solution", "beneficiaries", "values",
                         "trial_needs", "next_steps", "links")})


def prototype_form(challenge, prototype=None, **kwargs) -> PrototypeForm:
    form = PrototypeForm(obj=prototype, **kwargs)
    form.values.choices = [SelectChoice(d.value, VALUE_LABELS[d])
                           for d in services.allowed_values(challenge)]
    if prototype is not None and not form.is_submitted():
        form.version.data = str(prototype.version)
    return form


class FileForm(FlaskForm):
    file = FileField(_l("File or image"),
                     validators=[FileRequired(message=_l("Choose a file."))],
                     description=_l("PDF, PNG, JPEG, text, Word, Excel or PowerPoint, at most "
                                    "10 MB. Images get a thumbnail; one image is the cover."),
                     render_kw={"accept": ".pdf,.png,.jpg,.jpeg,.txt,.md,.csv,.docx,.xlsx,"
                                          ".pptx"})


class DeadlineForm(FlaskForm):
    prototype_deadline = DateTimeLocalField(
        _l("Deadline for prototypes"), validators=[Optional()], format="%Y-%m-%dT%H:%M")


class ExtendForm(FlaskForm):
    until = DateTimeLocalField(_l("More time until"), validators=[Optional()],
                               format="%Y-%m-%dT%H:%M")
