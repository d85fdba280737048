"""Forms of the admin pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

REASON_MAX = 500


class PeopleSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)],
                    description=_l("Name, e-mail or organisation"))


class EraseForm(FlaskForm):
    email = StringField(_l("The person's e-mail address"),
                        validators=[DataRequired(message=_l("This field is required.")),
                                    Length(max=254)],
                        description=_l("Type it to confirm that this is the person to erase."))
    reason = TextAreaField(_l("Reason"),
                           validators=[DataRequired(message=_l("This field is required.")),
                                       Length(max=REASON_MAX)],
                           description=_l("Kept in the log of erasures, for example \"asked "
                                          "by e-mail on 3 May\". Do not write the person's "
                                          "name or e-mail address here."))
