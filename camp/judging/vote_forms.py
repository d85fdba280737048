"""The organisers' voting window (local date-times in the camp's time zone)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField
from wtforms.validators import Optional

_FORMAT = "%Y-%m-%dT%H:%M"
_INVALID = _l("Enter a date and a time.")


class WindowForm(FlaskForm):
    voting_opens_at = DateTimeLocalField(_l("Voting opens"), validators=[Optional()],
                                         format=_FORMAT)
    voting_closes_at = DateTimeLocalField(_l("Voting closes"), validators=[Optional()],
                                          format=_FORMAT)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # WTForms' own message for an unparsable date is English-only.
        for f in (self.voting_opens_at, self.voting_closes_at):
            if f.errors and f.raw_data and f.raw_data[0] and f.data is None:
                f.errors = [str(_INVALID)]
        return ok
