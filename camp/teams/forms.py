"""Forms for teams, joining, the board and the organiser's team settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, EmailField, IntegerField, SelectChoice, SelectField, \
    StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from camp.teams.services import INVITE_HOURS

_required = DataRequired(message=_l("This field is required."))
_choose = _l("Choose from the list.")


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: the select reports it


class TeamEditForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[_required, Length(max=80)])
    pitch = TextAreaField(_l("Pitch"), validators=[Optional(), Length(max=2000)],
                          description=_l("What the team wants to try, in a few sentences."),
                          render_kw={"rows": 4})


class TeamForm(TeamEditForm):
    challenge_id = SelectField(_l("Challenge"), coerce=_int_or_none, validators=[
        InputRequired(message=_choose)], validate_choice=True)


def team_form(challenges, **kwargs) -> TeamForm:
    form = TeamForm(**kwargs)
    form.challenge_id.choices = [SelectChoice("", _l("Choose …"))] + [
        SelectChoice(c.id, c.title) for c in challenges]
    return form


class JoinRequestForm(FlaskForm):
    message = TextAreaField(_l("Message to the team lead"),
                            validators=[Optional(), Length(max=1000)],
                            description=_l("Who you are and what you bring. Optional."),
                            render_kw={"rows": 3})


HOUR_LABELS = {6: _l("6 hours"), 24: _l("1 day"), 72: _l("3 days"), 168: _l("1 week")}


class InviteForm(FlaskForm):
    hours = SelectField(_l("The link works for"), coerce=int, default=72,
                        choices=[SelectChoice(h, HOUR_LABELS[h]) for h in INVITE_HOURS])


class LeadForm(FlaskForm):
    user_id = SelectField(_l("New team lead"), coerce=_int_or_none,
                          validators=[InputRequired(message=_choose)])


class SeekerForm(FlaskForm):
    interests = TextAreaField(_l("Interests"), validators=[Optional(), Length(max=1000)],
                              description=_l("Themes you care about."), render_kw={"rows": 2})
    skills = TextAreaField(_l("Skills"), validators=[Optional(), Length(max=1000)],
                           description=_l("What you bring: facilitation, design, law, data, "
                                          "lived experience …"), render_kw={"rows": 2})
    preference_1 = SelectField(_l("First choice"), coerce=_int_or_none)
    preference_2 = SelectField(_l("Second choice"), coerce=_int_or_none)
    preference_3 = SelectField(_l("Third choice"), coerce=_int_or_none)
    together_with = EmailField(
        _l("Place me with"), validators=[Optional(), Email(
            message=_l("Enter a valid e-mail address, like name@example.dk."),
            check_deliverability=False), Length(max=254)],
        description=_l("The e-mail address of someone registered for this camp you want to be "
                       "in a team with. Optional."))

    PREFERENCES = ("preference_1", "preference_2", "preference_3")


def seeker_form(challenges, **kwargs) -> SeekerForm:
    form = SeekerForm(**kwargs)
    for name in SeekerForm.PREFERENCES:
        form[name].choices = [SelectChoice("", _l("No preference"))] + [
            SelectChoice(c.id, c.title) for c in challenges]
    return form


class BoardFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)],
                    description=_l("Name, organisation, interests or skills"))


class TeamSettingsForm(FlaskForm):
    team_min_size = IntegerField(_l("Smallest team"), validators=[
        InputRequired(message=_l("Enter a whole number.")),
        NumberRange(min=1, max=100, message=_l("Enter a number between %(min)s and %(max)s."))])
    team_max_size = IntegerField(_l("Largest team"), validators=[
        InputRequired(message=_l("Enter a whole number.")),
        NumberRange(min=1, max=100, message=_l("Enter a number between %(min)s and %(max)s."))])
    teams_lock_at = DateTimeLocalField(
        _l("Teams lock at"), validators=[Optional()], format="%Y-%m-%dT%H:%M",
        description=_l("After this time participants can no longer join or leave teams; "
                       "organisers can still move people. Leave empty to never lock."))


class TeamLimitsForm(FlaskForm):
    min_size = IntegerField(_l("Smallest size for this team"), validators=[
        Optional(), NumberRange(min=1, max=100, message=_l(
            "Enter a number between %(min)s and %(max)s."))],
        description=_l("Leave empty to use the camp's default."))
    max_size = IntegerField(_l("Largest size for this team"), validators=[
        Optional(), NumberRange(min=1, max=100, message=_l(
            "Enter a number between %(min)s and %(max)s."))],
        description=_l("Leave empty to use the camp's default."))


class MoveForm(FlaskForm):
    user_id = SelectField(_l("Person"), coerce=_int_or_none,
                          validators=[InputRequired(message=_choose)])
    team_id = SelectField(_l("Move to team"), coerce=_int_or_none,
                          validators=[InputRequired(message=_choose)])


def move_form(people, teams, **kwargs) -> MoveForm:
    form = MoveForm(**kwargs)
    form.user_id.choices = [SelectChoice("", _l("Choose …"))] + [
        SelectChoice(p.user_id, f"{p.name} ({p.email})") for p in people]
    form.team_id.choices = [SelectChoice("", _l("Choose …"))] + [
        SelectChoice(t.id, t.name) for t in teams]
    return form
