"""Registration forms; the camp's own questions become fields at run time."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectChoice, SelectField, \
    SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from camp.actors import actor_type_choices
from camp.camps.models import QuestionKind
from camp.registrations.labels import STATUS_LABELS
from camp.registrations.models import RegistrationStatus

_required = DataRequired(message=_l("This field is required."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonFields(FlaskForm):
    name = StringField(_l("Name (as on your badge)"), validators=[_required, Length(max=120)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=160)])
    actor_type = SelectField(_l("Taking part as"), choices=actor_type_choices,
                             validators=[_required])
    diet = StringField(_l("Dietary needs"), validators=[Optional(), Length(max=255)],
                       description=_l("For example vegetarian, gluten-free or allergies."))
    accessibility = StringField(_l("Accessibility needs"), validators=[Optional(),
                                                                      Length(max=255)],
                                description=_l("For example step-free access, sign "
                                               "language interpreter, quiet room."))


class RegistrationForm(PersonFields):
    consent = BooleanField(validators=[InputRequired(message=_l(
        "You must accept the terms to register."))])


class ManualRegistrationForm(PersonFields):
    name = StringField(_l("Name"), validators=[_required, Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[_required, Email(
        message=_l("Enter a valid e-mail address, like name@example.dk."),
        check_deliverability=False), Length(max=254)])


YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


def question_field(q):
    validators = [InputRequired(message=_l("This question must be answered."))] \
        if q.required else [Optional()]
    label, help_text = q.label, q.help_text or None
    choices = [SelectChoice(c, c) for c in q.choices]
    if q.kind == QuestionKind.single:
        return RadioField(label, choices=choices, validators=validators, description=help_text)
    if q.kind == QuestionKind.multiple:
        return MultiCheckboxField(label, choices=choices, validators=validators,
                                  description=help_text)
    if q.kind == QuestionKind.yesno:
        return RadioField(label, choices=YES_NO, validators=validators, description=help_text)
    return TextAreaField(label, validators=validators + [Length(max=2000)],
                         description=help_text, render_kw={"rows": 3})


def registration_form(camp, base=RegistrationForm, **kwargs):
    """A form class for this camp: the base fields plus one field per question."""
    form_class = type("CampRegistrationForm", (base,), {})
    for q in camp.questions:
        setattr(form_class, f"q_{q.id}", question_field(q))
    form = form_class(**kwargs)
    form.question_fields = [(q, form[f"q_{q.id}"]) for q in camp.questions]
    return form


def answers_from(form) -> dict:
    return {str(q.id): f.data for q, f in form.question_fields if f.data}


STATUS_CHOICES = [SelectChoice("", _l("All statuses"))] + [
    SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()]


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)],
                    description=_l("Name, e-mail or organisation"))
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, validators=[Optional()])
    actor_type = SelectField(_l("Actor type"), choices=lambda: [
        SelectChoice("", _l("All actor types"))] + actor_type_choices(blank=False),
        validators=[Optional()])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=160)])


REGISTERED_MESSAGES = {
    RegistrationStatus.confirmed: _l("You are registered. We have sent you an e-mail."),
    RegistrationStatus.waitlisted: _l("The camp is full, so you are on the waiting list. We "
                                      "have sent you an e-mail."),
}
