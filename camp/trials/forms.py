"""Forms for starting and editing a trial, its status, parties, commitments and reviews."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, IntegerField, SelectChoice, \
    SelectField, SelectMultipleField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, \
    Optional
from wtforms.widgets import CheckboxInput, ListWidget

from camp.challenges.labels import VALUE_LABELS
from camp.prototypes.services import allowed_values
from camp.trials import labels, parties, services
from camp.trials.models import Leadership, PartyRole


def _max(n):
    return Length(max=n, message=_l("Keep it under %(max)s characters.", max=f"{n:,}"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {c[0] if isinstance(c, tuple) else c.value for c in self.choices or []}
        if any(v not in allowed for v in self.data or []):
            raise ValidationError(self.refusal)

    refusal = _l("Choose only among the options offered.")


class ValuesField(MultiCheckboxField):
    refusal = _l("Choose only among the intended values of the challenge.")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _version(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return -1  # never a real version: the save is refused as stale


class TrialForm(FlaskForm):
    version = HiddenField(default="0")
    title = StringField(_l("Title"), validators=[
        DataRequired(message=_l("Give the trial a title.")), _max(services.TITLE_MAX)])
    purpose = TextAreaField(_l("Purpose"), validators=[Optional(), _max(services.TEXT_MAX)],
                            description=_l("What the trial should show, and for whom. "
                                           "Markdown is allowed."), render_kw={"rows": 5})
    values = ValuesField(_l("Intended value"), choices=[],
                         description=_l("Carried from the challenge: the value this trial "
                                        "should create, and will be evaluated on."))
    municipality = StringField(_l("Municipality"), validators=[Optional(), _max(120)])
    unit = StringField(_l("Unit"), validators=[Optional(), _max(160)],
                       description=_l("For example: Hjemmeplejen Syd, Jobcenter Skanderborg."))
    area = StringField(_l("Area"), validators=[Optional(), _max(160)],
                       description=_l("A neighbourhood, estate or district, if it is local."))
    starts_on = DateField(_l("Start"), validators=[Optional()],
                          description=_l("Leave empty while the date is not agreed."))
    planned_end_on = DateField(_l("Planned end"), validators=[Optional()])
    review_every_weeks = IntegerField(
        _l("Review every (weeks)"), default=6,
        validators=[InputRequired(message=_l("Review every 1 to 26 weeks.")),
                    NumberRange(min=services.RHYTHM_MIN, max=services.RHYTHM_MAX,
                                message=_l("Review every 1 to 26 weeks."))],
        description=_l("At each review the parties confirm or change their commitments. "
                       "A new rhythm applies from the next scheduled review on."),
        render_kw={"min": services.RHYTHM_MIN, "max": services.RHYTHM_MAX})
    prototypes = MultiCheckboxField(_l("It also builds on"), choices=[], coerce=int,
                                    description=_l("Other submitted prototypes of the same "
                                                   "challenge."))

    def validate_planned_end_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The planned end cannot be before the start."))

    def version_number(self) -> int:
        return _version(self.version.data)

    def data_for_service(self) -> services.TrialData:
        return services.TrialData(
            title=self.title.data or "", purpose=self.purpose.data or "",
            values=list(self.values.data or []), municipality=self.municipality.data or "",
            unit=self.unit.data or "", area=self.area.data or "",
            starts_on=self.starts_on.data, planned_end_on=self.planned_end_on.data,
            review_every_weeks=self.review_every_weeks.data,
            prototype_ids=list(self.prototypes.data or []) if self.prototypes else [])


def trial_form(challenge, trial=None, others=(), **kwargs) -> TrialForm:
    """The form for a new trial (`trial` None) or an edit; `others`: the prototypes a new
    trial may build on besides its own."""
    form = TrialForm(obj=trial, **kwargs)
    form.values.choices = [SelectChoice(d.value, VALUE_LABELS[d])
                           for d in allowed_values(challenge)]
    form.prototypes.choices = [SelectChoice(p.id, p.title) for p in others]
    if trial is not None and not form.is_submitted():
        form.version.data = str(trial.version)
    return form


class StatusForm(FlaskForm):
    # The service explains a refused step better than "Not a valid choice".
    status = SelectField(_l("New status"), choices=[], validate_choice=False,
                         validators=[DataRequired(message=_l("Choose the new status."))])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), _max(services.TEXT_MAX)],
                           description=_l("Required when the trial is stopped or adapted: "
                                          "why, and what was learnt."), render_kw={"rows": 3})
    progress = IntegerField(_l("Progress (%)"), validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("Progress must be between 0 and "
                                                           "100."))],
        description=_l("How far the trial has come, 0 to 100. Leave empty to keep it."),
        render_kw={"min": 0, "max": 100})


def status_form(trial, **kwargs) -> StatusForm:
    form = StatusForm(**kwargs)
    form.status.choices = [SelectChoice("", _l("Choose…"))] + [
        SelectChoice(s.value, labels.STATUS_LABELS[s]) for s in services.next_statuses(trial)]
    for f in form:  # the trial's page also has the update form, with fields of these names
        f.id = f"trial-status-{f.name}"
    return form


class PartyForm(FlaskForm):
    organisation = StringField(_l("Organisation or group"), validators=[
        DataRequired(message=_l("Name the organisation or group.")),
        _max(parties.ORGANISATION_MAX)], render_kw={"autocomplete": "organization"})
    contact_name = StringField(_l("Contact person"),
                               validators=[Optional(), _max(parties.NAME_MAX)])
    contact_email = EmailField(
        _l("Contact's e-mail"),
        validators=[Optional(), Email(message=_l("Enter a valid e-mail address, like "
                                                 "name@example.dk."),
                                      check_deliverability=False), _max(parties.EMAIL_MAX)],
        description=_l("If the contact has an account with this e-mail, they can write and "
                       "agree to the party's commitment. Only the trial's managers see the "
                       "address."))
    role = SelectField(_l("Role"), choices=[
        SelectChoice(r.value, labels.ROLE_LABELS[r]) for r in PartyRole if r != PartyRole.owner],
        default=PartyRole.partner.value)
    leadership = SelectField(_l("Leadership"), choices=[
        SelectChoice(lead.value, labels.LEADERSHIP_LABELS[lead]) for lead in Leadership],
        default=Leadership.none.value)

    def data_for_service(self) -> parties.PartyData:
        return parties.PartyData(organisation=self.organisation.data or "",
                                 contact_name=self.contact_name.data or "",
                                 contact_email=self.contact_email.data or "",
                                 role=self.role.data, leadership=self.leadership.data)


class CommitmentForm(FlaskForm):
    revision = HiddenField(default="0")
    commitment = TextAreaField(_l("What we commit to"), validators=[
        DataRequired(message=_l("Write what your party commits to.")),
        _max(parties.TEXT_MAX)], render_kw={"rows": 5},
        description=_l("Concrete and checkable: who does what, how often, until when."))
    resources = TextAreaField(_l("Resources we bring"), validators=[
        Optional(), _max(parties.TEXT_MAX)], render_kw={"rows": 3},
        description=_l("People, hours, data, rooms, money, decisions."))
    note = StringField(_l("Note on this change"), validators=[Optional(),
                                                              _max(parties.TEXT_MAX)],
                       description=_l("Optional: why it changes. Kept in the history."))

    def revision_number(self) -> int:
        return _version(self.revision.data)


def commitment_form(party, **kwargs) -> CommitmentForm:
    form = CommitmentForm(obj=party, **kwargs)
    if not form.is_submitted():
        form.revision.data = str(party.revision)
        form.note.data = ""
    return form


class ReviewAnswerForm(CommitmentForm):
    """A party's answer at a review: confirm unchanged, or change (then text required)."""
    answer = HiddenField()
    commitment = TextAreaField(_l("What we commit to"), validators=[
        Optional(), _max(parties.TEXT_MAX)], render_kw={"rows": 4})
    note = StringField(_l("Note"), validators=[Optional(), _max(parties.TEXT_MAX)],
                       description=_l("Optional: how it went, or why it changes."))


def review_answer_form(party, submitted=None) -> ReviewAnswerForm:
    """The answer form of one party (prefix party-<id>); `submitted` when it was posted."""
    if submitted is not None:
        return submitted
    form = ReviewAnswerForm(obj=party, prefix=f"party-{party.id}", formdata=None)
    form.revision.data = str(party.revision)
    form.note.data = ""
    return form


class HoldForm(FlaskForm):
    note = TextAreaField(_l("What was agreed at the review"), validators=[
        Optional(), _max(services.TEXT_MAX)], render_kw={"rows": 4},
        description=_l("Kept with the review and shown to the parties."))


class AddToTrialForm(FlaskForm):
    trial_id = SelectField(_l("Trial"), coerce=_int, choices=[],
                           validators=[DataRequired(message=_l("Choose a trial."))])


def add_to_trial_form(trials, **kwargs) -> AddToTrialForm:
    form = AddToTrialForm(**kwargs)
    form.trial_id.choices = [SelectChoice(t.id, t.title) for t in trials]
    return form
