"""The scanner's forms. Each carries a fresh nonce, so a double submit records once."""
import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, \
    ValidationError

from camp.checkin.models import Direction

DIRECTIONS = [SelectChoice(Direction.entry.value, _l("In")),
              SelectChoice(Direction.exit.value, _l("Out"))]


def new_nonce() -> str:
    return uuid.uuid4().hex


class ScanForm(FlaskForm):
    ticket = StringField(_l("Scan or type the ticket code"),
                         validators=[DataRequired(message=_l("Scan a ticket first.")),
                                     Length(max=500)],
                         render_kw={"autofocus": True, "autocomplete": "off",
                                    "autocapitalize": "off", "spellcheck": "false"})
    direction = RadioField(_l("Direction"), choices=DIRECTIONS, default=Direction.entry.value,
                           validators=[DataRequired()])
    nonce = HiddenField(default=new_nonce)
    override = HiddenField()
    override_reason = StringField(_l("Reason for letting them in anyway"),
                                  validators=[Length(max=255)])

    def validate_override_reason(self, field):
        if self.override.data and not (field.data or "").strip():
            raise ValidationError(_l("Give a reason; it is kept in the log."))


class PersonCheckinForm(FlaskForm):
    direction = HiddenField(default=Direction.entry.value)
    nonce = HiddenField(default=new_nonce)


class DeviceForm(FlaskForm):
    name = StringField(_l("Device name"), validators=[DataRequired(
        message=_l("Give the device a name, such as 'Door 1'.")), Length(max=80)],
        description=_l("For example 'Door 1' or 'Frida's phone'."))
    hours = IntegerField(_l("Valid for (hours)"), default=36, validators=[InputRequired(
        message=_l("Enter a whole number.")), NumberRange(min=1, max=336, message=_l(
            "Choose between 1 hour and 14 days."))])


class EmptyForm(FlaskForm):
    """A button that POSTs with CSRF."""
