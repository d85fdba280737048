"""Filters of the organisers' audit log."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Area"), validators=[Optional()])
    person = SelectField(_l("Person"), validators=[Optional()])

    def set_choices(self, groups, people) -> None:
        self.action.choices = [SelectChoice("", _l("All areas"))] + [
            SelectChoice(value, label) for value, label in groups]
        self.person.choices = [SelectChoice("", _l("Everyone"))] + [
            SelectChoice(str(uid), name) for uid, name in people]
