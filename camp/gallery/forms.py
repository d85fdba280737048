"""The gallery's filters: a GET form, so it keeps its values and works without JS."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from camp.challenges.labels import VALUE_LABELS
from camp.gallery.queries import Q_MAX


class GalleryFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=Q_MAX)],
                    description=_l("Title or pitch"))
    challenge = SelectField(_l("Challenge"), validators=[Optional()], choices=[])
    value = SelectField(_l("Value"), validators=[Optional()], choices=[
        SelectChoice("", _l("All values"))] + [
        SelectChoice(d.value, label) for d, label in VALUE_LABELS.items()])

    def set_challenges(self, challenges) -> None:
        self.challenge.choices = [SelectChoice("", _l("All challenges"))] + [
            SelectChoice(str(c.id), c.title) for c in challenges]

    def filters(self) -> dict:
        """The valid filters as query-string arguments (for the pager and the service)."""
        if not self.validate():
            return {}
        out = {name: (self[name].data or "").strip() for name in ("q", "challenge", "value")}
        return {k: v for k, v in out.items() if v}
