"""Forms for posting, editing and moderating challenges, and for the public filters."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, RadioField, SelectChoice, SelectField, \
    StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from camp.actors import actor_type_choices
from camp.challenges.labels import MODE_LABELS, RESOURCE_HINTS, RESOURCE_LABELS, \
    STATUS_LABELS, VALUE_LABELS
from camp.challenges.models import ResourceKind, ValueDimension

_required = DataRequired(message=_l("This field is required."))


def _text(label, required=False, max_length=10000, rows=4, description=None):
    validators = [_required] if required else [Optional()]
    return TextAreaField(label, validators=validators + [Length(max=max_length)],
                         description=description, render_kw={"rows": rows})


def _challenge_fields() -> dict:
    """The fields in the order the form shows them (and the error summary lists them)."""
    fields = dict(
        title=StringField(_l("Title"), validators=[_required, Length(max=160)],
                          description=_l("A short name for the problem, e.g. \"Loneliness "
                                         "among elderly citizens\".")),
        owner_organisation=StringField(
            _l("Who brings the challenge"), validators=[_required, Length(max=160)],
            description=_l("The municipality, housing association, NGO or company — or the "
                           "name of your citizen group.")),
        owner_actor_type=SelectField(_l("Owner is a"), choices=actor_type_choices,
                                     validators=[_required]),
        problem=_text(_l("The problem"), required=True, rows=6,
                      description=_l("What is wrong today, and for whom? Markdown is allowed.")),
        context=_text(_l("Context"), description=_l("Background the teams need to know.")),
        affected=_text(_l("Who is affected"), rows=3),
        mode=RadioField(_l("Mode"), choices=[SelectChoice(m.value, label)
                                             for m, label in MODE_LABELS.items()],
                        validators=[DataRequired(message=_l("Choose a mode."))]),
    )
    for dimension, label in VALUE_LABELS.items():
        fields[f"value_{dimension.value}"] = BooleanField(label)
        fields[f"noticed_{dimension.value}"] = StringField(
            _l("%(value)s: how would it be noticed?", value=label),
            validators=[Optional(), Length(max=500)])
    fields.update(
        owner_role=_text(_l("Your role as owner"), rows=3,
                         description=_l("What will you do during and after the camp?")),
        expectations=_text(_l("What you expect of the other parties"), rows=3),
    )
    for kind, label in RESOURCE_LABELS.items():
        fields[f"resource_{kind.value}"] = StringField(
            label, validators=[Optional(), Length(max=500)], description=RESOURCE_HINTS[kind])
    fields.update(
        commitment=_text(_l("Your commitment"), required=True, rows=3, max_length=5000,
                         description=_l("What will you do with a good prototype? For example: "
                                        "\"We will test it within three months.\"")),
        contacts=_text(_l("Contact people"), rows=3, max_length=2000,
                       description=_l("Names, roles and how to reach them during the camp.")),
    )
    return fields


class _ChallengeFormBase(FlaskForm):
    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        chosen = [d for d in ValueDimension if self[f"value_{d.value}"].data]
        if not chosen:
            self.values_error = _l("Choose at least one intended value.")
            self.form_errors.append(self.values_error)
            ok = False
        for d in chosen:
            noticed = self[f"noticed_{d.value}"]
            if not (noticed.data or "").strip():
                noticed.errors = list(noticed.errors) + [
                    _l("Say how this value would be noticed.")]
                ok = False
        return ok

    values_error = None

    def value_rows(self):
        return [(d, self[f"value_{d.value}"], self[f"noticed_{d.value}"])
                for d in ValueDimension]

    def resource_fields(self):
        return [self[f"resource_{k.value}"] for k in ResourceKind]

    def fill_from(self, challenge) -> None:
        """Show the stored values and resources (the plain fields come from obj=)."""
        self.owner_actor_type.data = challenge.owner_actor_type.value
        self.mode.data = challenge.mode.value
        for v in challenge.values:
            self[f"value_{v.dimension.value}"].data = True
            self[f"noticed_{v.dimension.value}"].data = v.how_noticed
        for r in challenge.resources:
            self[f"resource_{r.kind.value}"].data = r.description


ChallengeForm = type("ChallengeForm", (_ChallengeFormBase,), _challenge_fields())


class AddOwnerForm(FlaskForm):
    email = EmailField(_l("E-mail of the new co-owner"), validators=[_required, Email(
        message=_l("Enter a valid e-mail address, like name@example.dk."),
        check_deliverability=False), Length(max=254)],
        description=_l("The person needs an account on Samskab."))


class AttachmentForm(FlaskForm):
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file."))],
                     description=_l("PDF, PNG, JPEG, text, Word, Excel or PowerPoint, at most "
                                    "10 MB. Everyone who can see the challenge can download "
                                    "it."),
                     render_kw={"accept": ".pdf,.png,.jpg,.jpeg,.txt,.md,.csv,.docx,.xlsx,"
                                          ".pptx"})


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Give the owners a reason, so they know what to change.")),
        Length(max=5000)], render_kw={"rows": 5},
        description=_l("The owners receive this in an e-mail and see it on the challenge."))


class _Filters(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)],
                    description=_l("Title, problem or organisation"))
    value = SelectField(_l("Intended value"), validators=[Optional()], choices=[
        SelectChoice("", _l("All values"))] + [
        SelectChoice(d.value, label) for d, label in VALUE_LABELS.items()])
    mode = SelectField(_l("Mode"), validators=[Optional()], choices=[
        SelectChoice("", _l("All modes"))] + [
        SelectChoice(m.value, label) for m, label in MODE_LABELS.items()])


class PublicFilterForm(_Filters):
    pass


class ModerationFilterForm(_Filters):
    status = SelectField(_l("Status"), validators=[Optional()], choices=[
        SelectChoice("", _l("All statuses"))] + [
        SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()])
