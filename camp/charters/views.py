"""Charters: the list, a new charter, the working text, and the editors' pages.

Proposals, stances, decisions and comments are in camp/charters/proposal_views.py, on this
same blueprint ("charters").
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from camp.charters import comments, forms, labels, proposals, services, versions
from camp.charters.models import Clause, Section
from camp.errors import Conflict, DomainError
from camp.extensions import db, login_manager
from camp.i18n import from_local_naive, to_local_naive
from camp.permissions import can
from camp.textdiff import word_diff
from camp.web import get_child, post_action, save_form, show_domain_error

bp = Blueprint("charters", __name__)
bp.add_app_template_global(labels, "charter_labels")


def require(allowed: bool) -> None:
    if not allowed:
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        abort(403)


def load_charter(charter_slug: str, action: str = "charter.view", with_text: bool = False):
    """The charter, if the current user may see it (else 404) and do `action` (else 403)."""
    charter = services.charter_by_slug(charter_slug, with_text=with_text)
    if charter is None or not can(current_user, "charter.view", charter):
        abort(404)
    if action != "charter.view":
        require(can(current_user, action, charter))
    return charter


def show_url(charter, anchor: str | None = None) -> str:
    return url_for("charters.show", charter_slug=charter.slug, _anchor=anchor)


def manage_url(charter, anchor: str | None = None) -> str:
    return url_for("charters.manage", charter_slug=charter.slug, _anchor=anchor)


# --- The list and a new charter -----------------------------------------------------------

@bp.get("/charters/")
def index():
    form = forms.SearchForm(request.args)
    q = (form.q.data or "").strip() if form.validate() else ""
    charters = services.visible_charters(current_user, q)
    return render_template("charters/index.html", charters=charters, form=form, q=q,
                           open_counts=services.open_proposal_counts(c.id for c in charters))


@bp.route("/charters/new", methods=["GET", "POST"])
@login_required
def new():
    require(can(current_user, "charter.create"))
    form = forms.charter_form(services.organised_camps(current_user))
    done = save_form(form, lambda: services.create_charter(current_user, services.CharterData(
        title=form.title.data, introduction=form.introduction.data,
        camp_id=form.camp_value())),
        _l("The charter is created. Add sections and clauses, then open the consultation."),
        lambda charter: manage_url(charter))
    return done or render_template("charters/new.html", form=form)


# --- The working text ---------------------------------------------------------------------

@bp.get("/charters/<charter_slug>/")
def show(charter_slug):
    charter = load_charter(charter_slug, with_text=True)
    return render_template(
        "charters/show.html", charter=charter, sections=versions.numbered(charter),
        open_counts=proposals.open_counts_per_clause(charter),
        comment_counts=comments.counts_per_clause(charter),
        open_total=services.open_proposal_counts([charter.id]).get(charter.id, 0),
        latest=versions.latest(charter), tz=services.timezone_of(charter),
        may_join=can(current_user, "charter.join", charter),
        may_edit=can(current_user, "charter.edit", charter),
        consultation_open=services.consultation_open(charter),
        refusal=proposals.consultation_refusal(charter))


# --- The editors' page --------------------------------------------------------------------

def _revisioned(form_cls, charter, **kw):
    """A blank editor's form that starts from the current text_revision."""
    form = form_cls(formdata=None, **kw)
    form.text_revision.data = str(charter.text_revision)
    return form


def _manage_page(charter, status=200, **given):
    charter = services.charter_by_slug(charter.slug, with_text=True)
    blank = {"formdata": None}
    phase_form = given.get("phase_form") or forms.PhaseForm(
        formdata=None, phase=charter.phase.value if charter.phase.value != "final" else None,
        closes_at=to_local_naive(charter.consultation_closes_at, services.timezone_of(charter)))
    context = dict(
        charter=charter, sections=versions.numbered(charter), tz=services.timezone_of(charter),
        details_form=given.get("details_form") or _revisioned(
            forms.DetailsForm, charter, prefix="details", title=charter.title,
            introduction=charter.introduction),
        phase_form=phase_form,
        editor_form=given.get("editor_form") or forms.EditorForm(**blank),
        section_form=given.get("section_form") or _revisioned(forms.SectionForm, charter,
                                                              prefix="section"),
        clause_form=lambda section: given["clause_form"]
        if given.get("clause_section") == section.id
        else _revisioned(forms.ClauseForm, charter, prefix=f"s{section.id}"),
        version_form=given.get("version_form") or forms.VersionForm(**blank),
        latest=versions.latest(charter), refusal=services.drafting_refusal(charter),
        open_total=services.open_proposal_counts([charter.id]).get(charter.id, 0))
    return render_template("charters/manage.html", **context), status


def _save(charter, form, action, success, anchor, form_key, **extra):
    """Validate, run, commit, redirect to the manage page; or show the page again."""
    if form.validate_on_submit():
        try:
            action()
        except DomainError as exc:
            show_domain_error(form, exc)
            if isinstance(exc, Conflict) and "text_revision" in form:
                form.text_revision.data = str(services.charter_by_slug(
                    charter.slug).text_revision)
            return _manage_page(charter, 409 if isinstance(exc, Conflict) else 200,
                                **{form_key: form}, **extra)
        db.session.commit()
        flash(str(success), "success")
        return redirect(manage_url(charter, anchor), code=303)
    return _manage_page(charter, **{form_key: form}, **extra)


@bp.route("/charters/<charter_slug>/manage", methods=["GET", "POST"])
def manage(charter_slug):
    charter = load_charter(charter_slug, "charter.edit")
    if request.method == "GET":
        return _manage_page(charter)
    form = forms.DetailsForm(prefix="details")
    return _save(charter, form, lambda: services.update_details(
        current_user, charter, form.title.data, form.introduction.data,
        form.base_revision()), _l("The title and introduction are saved."), "details",
        "details_form")


@bp.post("/charters/<charter_slug>/manage/phase")
def set_phase(charter_slug):
    charter = load_charter(charter_slug, "charter.edit")
    form = forms.PhaseForm()
    return _save(charter, form, lambda: services.set_phase(
        current_user, charter, form.phase.data,
        from_local_naive(form.closes_at.data, services.timezone_of(charter))),
        _l("The phase is changed."), "phase", "phase_form")


@bp.post("/charters/<charter_slug>/manage/editors")
def add_editor(charter_slug):
    charter = load_charter(charter_slug, "charter.edit")
    form = forms.EditorForm()
    return _save(charter, form, lambda: services.add_editor(current_user, charter,
                                                            form.email.data),
                 _l("The editor is added."), "editors", "editor_form")


@bp.post("/charters/<charter_slug>/manage/editors/remove")
def remove_editor(charter_slug):
    charter = load_charter(charter_slug, "charter.edit")
    user_id = request.form.get("user_id", type=int)
    return post_action(lambda: services.remove_editor(current_user, charter, user_id),
                       _l("The editor is removed."), manage_url(charter, "editors"))


@bp.post("/charters/<charter_slug>/manage/versions")
def save_version(charter_slug):
    charter = load_charter(charter_slug, "charter.edit")
    form = forms.VersionForm()
    return _save(charter, form, lambda: services.save_version(current_user, charter,
                                                              form.note.data),
                 _l("A new version is saved."), "versions", "version_form")


# --- Sections -----------------------------------------------------------------------------

def _base_revision():
    value = request.form.get("text_revision")
    if value is None:
        return None
    return int(value) if value.isdigit() else -1


@bp.post("/charters/<charter_slug>/manage/sections")
def add_section(charter_slug):
    charter = load_charter(charter_slug, "charter.edit")
    form = forms.SectionForm(prefix="section")
    return _save(charter, form, lambda: services.add_section(
        current_user, charter, form.title.data, form.base_revision()),
        _l("The section is added."), "text", "section_form")


@bp.post("/charters/<charter_slug>/manage/sections/<int:section_id>")
def rename_section(charter_slug, section_id):
    charter = load_charter(charter_slug, "charter.edit")
    section = get_child(Section, section_id, charter_id=charter.id)
    return post_action(lambda: services.rename_section(
        current_user, charter, section, request.form.get("title", ""), _base_revision()),
        _l("The section is renamed."), manage_url(charter, f"section-{section_id}"))


@bp.post("/charters/<charter_slug>/manage/sections/<int:section_id>/move")
def move_section(charter_slug, section_id):
    charter = load_charter(charter_slug, "charter.edit")
    section = get_child(Section, section_id, charter_id=charter.id)
    return post_action(lambda: services.move_section(
        current_user, charter, section, request.form.get("direction", ""), _base_revision()),
        _l("The section is moved."), manage_url(charter, f"section-{section_id}"))


@bp.post("/charters/<charter_slug>/manage/sections/<int:section_id>/delete")
def delete_section(charter_slug, section_id):
    charter = load_charter(charter_slug, "charter.edit")
    section = get_child(Section, section_id, charter_id=charter.id)
    return post_action(lambda: services.delete_section(current_user, charter, section,
                                                       _base_revision()),
                       _l("The section is deleted."), manage_url(charter, "text"))


# --- Clauses ------------------------------------------------------------------------------

@bp.post("/charters/<charter_slug>/manage/sections/<int:section_id>/clauses")
def add_clause(charter_slug, section_id):
    charter = load_charter(charter_slug, "charter.edit")
    section = get_child(Section, section_id, charter_id=charter.id)
    form = forms.ClauseForm(prefix=f"s{section_id}")
    return _save(charter, form, lambda: services.add_clause(
        current_user, charter, section, form.text.data, form.base_revision()),
        _l("The clause is added."), f"section-{section_id}", "clause_form",
        clause_section=section_id)


@bp.route("/charters/<charter_slug>/manage/clauses/<int:clause_id>", methods=["GET", "POST"])
def edit_clause(charter_slug, clause_id):
    charter = load_charter(charter_slug, "charter.edit", with_text=True)
    clause = get_child(Clause, clause_id, charter_id=charter.id)
    if clause.removed_at is not None:
        abort(404)
    form = _revisioned(forms.ClauseForm, charter, text=clause.text) \
        if request.method == "GET" else forms.ClauseForm()
    newer = None
    if form.validate_on_submit():
        try:
            services.edit_clause(current_user, charter, clause, form.text.data,
                                 form.base_revision())
        except DomainError as exc:
            show_domain_error(form, exc)
            if isinstance(exc, Conflict):
                charter = services.charter_by_slug(charter_slug, with_text=True)
                clause = db.session.get(Clause, clause_id)
                form.text_revision.data = str(charter.text_revision)
                newer = clause
        else:
            db.session.commit()
            flash(_l("The clause is saved."), "success")
            return redirect(manage_url(charter, f"clause-{clause_id}"), code=303)
    number = services.clause_numbers(charter).get(clause.id, "")
    return render_template(
        "charters/edit_clause.html", charter=charter, clause=clause, form=form, number=number,
        newer=newer, newer_diff=word_diff(form.text.data or "", newer.text) if newer else None,
        refusal=services.drafting_refusal(charter)), 409 if newer else 200


@bp.post("/charters/<charter_slug>/manage/clauses/<int:clause_id>/move")
def move_clause(charter_slug, clause_id):
    charter = load_charter(charter_slug, "charter.edit")
    clause = get_child(Clause, clause_id, charter_id=charter.id)
    return post_action(lambda: services.move_clause(
        current_user, charter, clause, request.form.get("direction", ""), _base_revision()),
        _l("The clause is moved."), manage_url(charter, f"clause-{clause_id}"))


@bp.post("/charters/<charter_slug>/manage/clauses/<int:clause_id>/remove")
def remove_clause(charter_slug, clause_id):
    charter = load_charter(charter_slug, "charter.edit")
    clause = get_child(Clause, clause_id, charter_id=charter.id)
    return post_action(lambda: services.remove_clause(current_user, charter, clause,
                                                      _base_revision()),
                       _l("The clause is removed. It stays in the history of earlier "
                          "versions."), manage_url(charter, f"section-{clause.section_id}"))


from camp.charters import proposal_views  # noqa: E402,F401  (routes on this blueprint)
