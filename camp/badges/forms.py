"""Forms of the badges page: a camp's badge choices, and starting a whole-camp run."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length, Optional

LAYOUT_LABELS = {
    "a4-4": _l("A4, 4 per sheet"),
    "a4-6": _l("A4, 6 per sheet"),
    "a4-8": _l("A4, 8 per sheet"),
    "label-90x54": _l("Labels, 90 × 54 mm"),
}


class BadgeSettingsForm(FlaskForm):
    show_organisation = BooleanField(_l("Organisation"))
    show_role = BooleanField(_l("Role at the camp (organiser, staff, jury)"))
    show_actor_type = BooleanField(_l("Colour band with the actor type"))
    show_team = BooleanField(_l("Team"))
    accent_colour = StringField(
        _l("Accent colour"), validators=[Optional(), Length(max=7)],
        description=_l("The strip with the camp's name, as #rrggbb. It must be dark enough "
                       "for white text. Leave empty for the standard green."))
    logo = FileField(_l("Logo"), description=_l("PNG or JPEG, at most 1 MB. Shown in the "
                                                "top corner of every badge."))
    remove_logo = BooleanField(_l("Remove the current logo"))


class BadgeRunForm(FlaskForm):
    layout = RadioField(_l("Layout"), default="a4-6",
                        choices=[SelectChoice(k, v) for k, v in LAYOUT_LABELS.items()],
                        validators=[DataRequired(message=_l("Choose a layout."))])
