"""The placement preview as a form: one team choice per person, built at run time."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField
from wtforms.validators import ValidationError


class TeamChoiceField(SelectField):
    def pre_validate(self, form):
        if self.data not in {c[0] for c in self.iter_choices()}:
            raise ValidationError(_l("That team can no longer take people. Choose another "
                                     "team or leave the person unplaced."))


class PlacementBase(FlaskForm):
    # The people the preview showed; if that list changed, the preview is stale.
    plan = HiddenField()
    seed = HiddenField()


def placement_form(data, proposal: dict[int, int], seed: int):
    """A form with a team select per person to place, defaulting to the proposal."""
    choices = [SelectChoice("", _l("Leave unplaced"))] + [
        SelectChoice(str(t.id), f"{t.name} – {t.challenge.title}") for t in data.teams]
    form_class = type("PlacementForm", (PlacementBase,), {})
    for p in data.people:
        name = data.profiles[p.id].name
        setattr(form_class, f"p_{p.id}", TeamChoiceField(
            _l("Team for %(name)s", name=name), choices=choices,
            default=str(proposal.get(p.id, ""))))
    form = form_class()
    if not form.is_submitted():
        form.plan.data = plan_of(data)
        form.seed.data = str(seed)
    form.person_fields = {p.id: form[f"p_{p.id}"] for p in data.people}
    return form


def plan_of(data) -> str:
    return ",".join(str(p.id) for p in data.people)


def chosen(form) -> dict[int, int | None]:
    return {uid: int(f.data) if f.data else None for uid, f in form.person_fields.items()}
