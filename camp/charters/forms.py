"""Forms for charters, their text, proposals, decisions and comments."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, RadioField, SelectChoice, SelectField, \
    StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from camp.charters import comments, proposals, services
from camp.charters.labels import KIND_LABELS, STATUS_LABELS, TAG_LABELS
from camp.charters.models import CommentTag, ProposalKind


def _max(n, message):
    return Length(max=n, message=message)


_title = [DataRequired(message=_l("Give the charter a title.")),
          _max(services.TITLE_MAX, _l("Keep the title under %(max)s characters.",
                                      max=services.TITLE_MAX))]
_intro = [Optional(), _max(services.INTRO_MAX, _l("Keep the introduction under %(max)s "
                                                  "characters.", max=f"{services.INTRO_MAX:,}"))]
_clause = [DataRequired(message=_l("Write the text of the clause.")),
           _max(services.CLAUSE_MAX, _l("Keep the clause under %(max)s characters.",
                                        max=f"{services.CLAUSE_MAX:,}"))]


class _Revisioned(FlaskForm):
    """Carries the text_revision the editor started from (the optimistic check)."""

    text_revision = HiddenField()

    def base_revision(self) -> int:
        try:
            return int(self.text_revision.data)
        except (TypeError, ValueError):
            return -1  # never a real revision: refused as stale


class CharterForm(FlaskForm):
    title = StringField(_l("Title"), validators=_title,
                        render_kw={"maxlength": services.TITLE_MAX})
    camp_id = SelectField(_l("Camp"), choices=[], validators=[Optional()], coerce=str,
                          description=_l("A charter of a camp is drafted by the people taking "
                                         "part in it; without a camp, by everyone signed in."))
    introduction = TextAreaField(_l("Introduction"), validators=_intro,
                                 description=_l("Why the charter exists and whom it is for. "
                                                "Markdown is allowed."),
                                 render_kw={"rows": 8})

    def camp_value(self) -> int | None:
        return int(self.camp_id.data) if (self.camp_id.data or "").isdigit() else None


def charter_form(camps, **kwargs) -> CharterForm:
    form = CharterForm(**kwargs)
    form.camp_id.choices = [SelectChoice("", _l("No camp: the charter stands on its own"))] + [
        SelectChoice(str(c.id), c.title) for c in camps]
    return form


class DetailsForm(_Revisioned):
    title = StringField(_l("Title"), validators=_title,
                        render_kw={"maxlength": services.TITLE_MAX})
    introduction = TextAreaField(_l("Introduction"), validators=_intro,
                                 description=_l("Markdown is allowed."), render_kw={"rows": 8})


class PhaseForm(FlaskForm):
    phase = RadioField(_l("Phase"), choices=[
        SelectChoice("drafting", _l("Drafting: the editors write the text")),
        SelectChoice("consultation", _l("Consultation: everyone taking part proposes "
                                        "changes"))],
        validators=[DataRequired(message=_l("Choose a phase."))])
    closes_at = DateTimeLocalField(_l("Consultation closes"), validators=[Optional()],
                                   format="%Y-%m-%dT%H:%M",
                                   description=_l("Required for a consultation; in the "
                                                  "future."))


class EditorForm(FlaskForm):
    email = StringField(_l("E-mail address"), validators=[
        DataRequired(message=_l("Write the e-mail address of the editor.")),
        Email(message=_l("That is not an e-mail address.")), Length(max=254)],
        description=_l("The person needs an account."))


class SectionForm(_Revisioned):
    title = StringField(_l("Section title"), validators=[
        DataRequired(message=_l("Give the section a title.")),
        _max(services.SECTION_TITLE_MAX, _l("Keep the title under %(max)s characters.",
                                            max=services.SECTION_TITLE_MAX))],
        render_kw={"maxlength": services.SECTION_TITLE_MAX})


class ClauseForm(_Revisioned):
    text = TextAreaField(_l("Text of the clause"), validators=_clause,
                         description=_l("Markdown is allowed."), render_kw={"rows": 5})


class VersionForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[
        Optional(), _max(services.NOTE_MAX, _l("Keep the note under %(max)s characters.",
                                               max=f"{services.NOTE_MAX:,}"))],
        description=_l("What changed, in a sentence. Shown in the changelog."),
        render_kw={"rows": 2})


class ProposalForm(FlaskForm):
    kind = RadioField(_l("What do you propose?"), choices=[
        SelectChoice(k.value, KIND_LABELS[k]) for k in ProposalKind],
        validators=[DataRequired(message=_l("Choose what you propose."))],
        default=ProposalKind.replace.value)
    text = TextAreaField(_l("Proposed text"), validators=[
        Optional(), _max(proposals.TEXT_MAX, _l("Keep the clause under %(max)s characters.",
                                                max=f"{proposals.TEXT_MAX:,}"))],
        description=_l("The new wording, or the new clause. Not needed to remove a clause. "
                       "Markdown is allowed."), render_kw={"rows": 6})
    rationale = TextAreaField(_l("Why?"), validators=[
        DataRequired(message=_l("Explain why: the editors and the others decide on your "
                                "reasons.")),
        _max(proposals.RATIONALE_MAX, _l("Keep the rationale under %(max)s characters.",
                                         max=f"{proposals.RATIONALE_MAX:,}"))],
        render_kw={"rows": 4})


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[
        SelectChoice("accept", _l("Accept: change the text and make a new version")),
        SelectChoice("reject", _l("Reject"))],
        validators=[DataRequired(message=_l("Choose accept or reject."))])
    reason = TextAreaField(_l("Reason"), validators=[
        Optional(), _max(proposals.REASON_MAX, _l("Keep the reason under %(max)s characters.",
                                                  max=f"{proposals.REASON_MAX:,}"))],
        description=_l("Required to reject. The author and the supporters read it."),
        render_kw={"rows": 3})


class CommentForm(FlaskForm):
    """A comment (prefix "comment") or a reply (prefix "reply-<id>", posted with reply_to)."""

    tag = SelectField(_l("Kind"), choices=[SelectChoice(t.value, TAG_LABELS[t])
                                        for t in CommentTag],
                      default=CommentTag.note.value)
    body = TextAreaField(_l("Comment"), validators=[
        DataRequired(message=_l("Write your comment.")),
        _max(comments.BODY_MAX, _l("Keep it under %(max)s characters.",
                                   max=f"{comments.BODY_MAX:,}"))],
        render_kw={"rows": 3})


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)],
                    description=_l("Title, introduction or camp"))


class ProposalFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()], choices=[
        SelectChoice("", _l("All statuses"))] + [
        SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()])
    clause = SelectField(_l("Clause"), validators=[Optional()], choices=[])


def proposal_filter_form(args, numbers: dict[int, str]) -> ProposalFilterForm:
    form = ProposalFilterForm(args)
    form.clause.choices = [SelectChoice("", _l("All clauses"))] + [
        SelectChoice(str(cid), number) for cid, number in numbers.items()]
    return form
