"""Organiser pages for the camp's registration questions."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from camp.camps import forms, programme
from camp.camps.manage_views import bp, show_error
from camp.camps.models import QuestionKind, RegistrationQuestion
from camp.errors import DomainError
from camp.extensions import db
from camp.web import load_camp


def _question(camp, question_id) -> RegistrationQuestion:
    question = db.get_or_404(RegistrationQuestion, question_id)
    if question.camp_id != camp.id:
        abort(404)
    return question


def _data(form) -> programme.QuestionData:
    return programme.QuestionData(
        kind=QuestionKind(form.kind.data), label=form.label.data,
        help_text=form.help_text.data or "", choices_text=form.choices.data or "",
        required=form.required.data)


@bp.route("/camps/<slug>/manage/questions", methods=["GET", "POST"])
def questions(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.QuestionForm()
    if form.validate_on_submit():
        try:
            programme.save_question(current_user, camp, _data(form))
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("The question is added."), "success")
            return redirect(url_for("manage.questions", slug=camp.slug), code=303)
    return render_template("manage/questions.html", camp=camp, form=form,
                           kinds=dict((c.value, c.label) for c in forms.QUESTION_KINDS))


@bp.route("/camps/<slug>/manage/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(slug, question_id):
    camp = load_camp(slug, "camp.manage")
    question = _question(camp, question_id)
    form = forms.QuestionForm(obj=question)
    if request.method == "GET":
        form.kind.data = question.kind.value
        form.choices.data = "\n".join(question.choices or [])
    if form.validate_on_submit():
        try:
            programme.save_question(current_user, camp, _data(form), question)
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("The question is saved."), "success")
            return redirect(url_for("manage.questions", slug=camp.slug), code=303)
    return render_template("manage/edit_question.html", camp=camp, question=question,
                           form=form)


@bp.post("/camps/<slug>/manage/questions/<int:question_id>/delete")
def delete_question(slug, question_id):
    camp = load_camp(slug, "camp.manage")
    programme.delete_question(current_user, camp, _question(camp, question_id))
    db.session.commit()
    flash(_("The question is deleted. Answers already given are kept in the registrations."),
          "success")
    return redirect(url_for("manage.questions", slug=camp.slug), code=303)


@bp.post("/camps/<slug>/manage/questions/<int:question_id>/move")
def move_question(slug, question_id):
    camp = load_camp(slug, "camp.manage")
    direction = -1 if request.form.get("direction") == "up" else 1
    programme.move_question(camp, _question(camp, question_id), direction)
    db.session.commit()
    return redirect(url_for("manage.questions", slug=camp.slug), code=303)
