"""Forms for creating and running a camp."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, EmailField, IntegerField, RadioField, \
    SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from camp.camps.models import CampFormat, QuestionKind, Role
from camp.camps.presets import PRESETS

_required = DataRequired(message=_l("This field is required."))
_datetime_message = _l("Enter a date and time.")

TIMEZONES = ["Europe/Copenhagen", "Atlantic/Faroe", "America/Nuuk", "Europe/Stockholm",
             "Europe/Oslo", "Europe/Berlin", "Europe/London", "UTC"]


def _when(label, required=True, description=None):
    validators = [InputRequired(message=_datetime_message)] if required else [Optional()]
    return DateTimeLocalField(label, validators=validators, format="%Y-%m-%dT%H:%M",
                              description=description)


class CampForm(FlaskForm):
    title = StringField(_l("Title"), validators=[_required, Length(max=160)])
    slug = StringField(_l("Web address"), validators=[Optional(), Length(max=80)],
                       description=_l("Used in links to the camp. Lowercase letters, digits and "
                                      "hyphens. Leave empty to make one from the title."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)],
                                description=_l("Markdown: **bold**, *italic*, lists and "
                                               "links."), render_kw={"rows": 8})
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=160)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])
    timezone = SelectField(_l("Time zone"),
                           choices=[SelectChoice(tz, tz) for tz in TIMEZONES],
                           validators=[_required], default="Europe/Copenhagen",
                           description=_l("Times below are in this time zone."))
    starts_at = _when(_l("Starts"))
    ends_at = _when(_l("Ends"))
    capacity = IntegerField(_l("Seats"), validators=[InputRequired(
        message=_l("Enter a whole number.")), NumberRange(min=1, max=100000, message=_l(
            "Enter a number between %(min)s and %(max)s."))])
    registration_opens_at = _when(_l("Registration opens"), required=False,
                                  description=_l("Leave empty to open at once when "
                                                 "published."))
    registration_closes_at = _when(_l("Registration closes"), required=False,
                                   description=_l("Leave empty to keep it open until the "
                                                  "camp ends."))
    consent_text = TextAreaField(
        _l("Consent text"), validators=[_required, Length(max=5000)],
        description=_l("What participants agree to when they register: how their data is "
                       "used and kept. Changing it starts a new version."),
        render_kw={"rows": 5})
    retention_months = IntegerField(
        _l("Erase participants' personal data after (months)"),
        validators=[Optional(), NumberRange(min=1, max=120, message=_l(
            "Enter a number between %(min)s and %(max)s."))],
        description=_l("Optional. That many months after the camp ends, names, e-mail "
                       "addresses, organisations and answers in the registrations are erased; "
                       "anonymous counts stay. Leave empty to keep them until you decide."))


class NewCampForm(CampForm):
    format = RadioField(_l("Template"), default=CampFormat.camp24.value,
                        choices=[SelectChoice(f.value, p.label) for f, p in PRESETS.items()],
                        validators=[_required])
    ends_at = _when(_l("Ends"), required=False,
                    description=_l("Leave empty to use the template's length: 24 hours for "
                                   "the 24-hour camp, until the afternoon of the third day "
                                   "for the sprint."))


class ItemForm(FlaskForm):
    title = StringField(_l("Title"), validators=[_required, Length(max=160)])
    starts_at = _when(_l("Starts"))
    ends_at = _when(_l("Ends"))
    place = StringField(_l("Place"), validators=[Optional(), Length(max=160)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)],
                                render_kw={"rows": 3})


QUESTION_KINDS = [
    SelectChoice(QuestionKind.text.value, _l("Text")),
    SelectChoice(QuestionKind.single.value, _l("One choice")),
    SelectChoice(QuestionKind.multiple.value, _l("Several choices")),
    SelectChoice(QuestionKind.yesno.value, _l("Yes or no")),
]


class QuestionForm(FlaskForm):
    label = StringField(_l("Question"), validators=[_required, Length(max=255)])
    kind = SelectField(_l("Answer type"), choices=QUESTION_KINDS, validators=[_required])
    choices = TextAreaField(_l("Options"), validators=[Optional(), Length(max=5000)],
                            description=_l("For one or several choices: one option per "
                                           "line."), render_kw={"rows": 4})
    help_text = StringField(_l("Help text"), validators=[Optional(), Length(max=500)])
    required = BooleanField(_l("An answer is required"))


ROLE_CHOICES = [
    SelectChoice(Role.organiser.value, _l("Co-organiser")),
    SelectChoice(Role.staff.value, _l("Check-in staff")),
    SelectChoice(Role.jury.value, _l("Jury")),
]


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[_required, Email(
        message=_l("Enter a valid e-mail address, like name@example.dk."),
        check_deliverability=False), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[_required])


class StatusForm(FlaskForm):
    status = StringField(validators=[_required])


class EmptyForm(FlaskForm):
    """A button that POSTs with CSRF."""
