"""Forms of the API token pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

VALIDITY = [SelectChoice("30", _l("30 days")), SelectChoice("90", _l("90 days")),
            SelectChoice("365", _l("One year")), SelectChoice("", _l("Until I revoke it"))]


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[
        DataRequired(message=_l("Give the token a name, such as 'Statistics script'.")),
        Length(max=80)],
        description=_l("What the token is for, so you know which one to revoke later."))
    valid_days = SelectField(_l("Valid for"), choices=VALIDITY, default="90")

    def days(self) -> int | None:
        return int(self.valid_days.data) if self.valid_days.data else None


class RevokeForm(FlaskForm):
    token_id = IntegerField(validators=[InputRequired()])
