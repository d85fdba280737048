"""Organiser pages for the camp's registration questions."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from camp.camps import forms, programme
from camp.camps.manage_views import bp
from camp.camps.models import QuestionKind, RegistrationQuestion
from camp.extensions import db
from camp.web import get_in_camp, load_camp, post_action, save_form


def _question(camp, question_id) -> RegistrationQuestion:
    return get_in_camp(RegistrationQuestion, question_id, camp)


def _data(form) -> programme.QuestionData:
    return programme.QuestionData(
        kind=QuestionKind(form.kind.data), label=form.label.data,
        help_text=form.help_text.data or "", choices_text=form.choices.data or "",
        required=form.required.data)


@bp.route("/camps/<slug>/manage/questions", methods=["GET", "POST"])
def questions(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.QuestionForm()
    done = save_form(form, lambda: programme.save_question(current_user, camp, _data(form)),
                     _("The question is added."), url_for("manage.questions", slug=camp.slug))
    return done or render_template("manage/questions.html", camp=camp, form=form,
                                   kinds={c.value: c.label for c in forms.QUESTION_KINDS})


@bp.route("/camps/<slug>/manage/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(slug, question_id):
    camp = load_camp(slug, "camp.manage")
    question = _question(camp, question_id)
    form = forms.QuestionForm(obj=question)
    if request.method == "GET":
        form.kind.data = question.kind.value
        form.choices.data = "\n".join(question.choices or [])
    done = save_form(form, lambda: programme.save_question(current_user, camp, _data(form),
                                                           question),
                     _("The question is saved."), url_for("manage.questions", slug=camp.slug))
    return done or render_template("manage/edit_question.html", camp=camp, question=question,
                                   form=form)


@bp.post("/camps/<slug>/manage/questions/<int:question_id>/delete")
def delete_question(slug, question_id):
    camp = load_camp(slug, "camp.manage")
    question = _question(camp, question_id)
    return post_action(lambda: programme.delete_question(current_user, camp, question),
                       _("The question is deleted. Answers already given are kept in the "
                         "registrations."), url_for("manage.questions", slug=camp.slug))


@bp.post("/camps/<slug>/manage/questions/<int:question_id>/move")
def move_question(slug, question_id):
    camp = load_camp(slug, "camp.manage")
    direction = -1 if request.form.get("direction") == "up" else 1
    programme.move_question(camp, _question(camp, question_id), direction)
    db.session.commit()
    return redirect(url_for("manage.questions", slug=camp.slug), code=303)
