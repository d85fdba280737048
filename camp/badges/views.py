"""Badges: the organiser's page (choices, background runs), downloads, a badge at the door."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, \
    url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from camp import jobs as shared_jobs
from camp.badges import jobs, settings
from camp.badges.forms import LAYOUT_LABELS, BadgeRunForm, BadgeSettingsForm
from camp.badges.models import BadgeJob
from camp.badges.render import DIRECT_MAX, LAYOUTS, badge_registrations, count_badges, \
    render_badges_pdf
from camp.errors import DomainError
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from camp.web import load_camp, save_form, show_domain_error

bp = Blueprint("badges", __name__)


def _pdf(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


def _layout() -> str:
    layout = request.args.get("layout", "a4-6")
    if layout not in LAYOUTS:
        abort(400)
    return layout


def _settings_form(camp) -> BadgeSettingsForm:
    row = settings.get_settings(camp)
    form = BadgeSettingsForm(obj=row)
    if row is None and not form.is_submitted():
        for name in ("show_organisation", "show_role", "show_actor_type", "show_team"):
            form[name].data = True
    return form


def _show_page(camp, settings_form=None, run_form=None):
    runs = jobs.camp_jobs(camp)
    if request.headers.get("HX-Request") == "true":
        return render_template("badges/_runs.html", camp=camp, runs=runs,
                               layout_labels=LAYOUT_LABELS)
    return render_template(
        "badges/page.html", camp=camp, count=count_badges(camp.id), runs=runs,
        direct_max=DIRECT_MAX, layouts=LAYOUT_LABELS, layout_labels=LAYOUT_LABELS, choices=settings.load_choices(camp),
        settings_form=settings_form or _settings_form(camp),
        run_form=run_form or BadgeRunForm())


@bp.get("/camps/<slug>/manage/badges")
def page(slug):
    return _show_page(load_camp(slug, "camp.manage"))


@bp.post("/camps/<slug>/manage/badges/settings")
def save_settings(slug):
    camp = load_camp(slug, "camp.manage")
    form = _settings_form(camp)
    replaced = []

    def action():
        data = {k: form[k].data for k in ("show_organisation", "show_role", "show_actor_type",
                                          "show_team", "accent_colour", "remove_logo")}
        upload = form.logo.data
        data["logo"] = upload.read(settings.LOGO_MAX_BYTES + 1) if upload else None
        row, old = settings.save_settings(current_user, camp, data)
        replaced.append(old)
        return row

    done = save_form(form, action, _l("Badge settings saved."),
                     url_for("badges.page", slug=slug) + "#settings",
                     after=lambda _row: settings.forget_logo_file(replaced[0]))
    return done or _show_page(camp, settings_form=form)


@bp.post("/camps/<slug>/manage/badges/runs")
def start_run(slug):
    camp = load_camp(slug, "camp.manage")
    form = BadgeRunForm()
    if not form.validate_on_submit():
        return _show_page(camp, run_form=form)
    try:
        job = jobs.start_badge_job(current_user, camp, form.layout.data,
                                   str(get_locale() or "da"))
    except DomainError as exc:
        show_domain_error(form, exc)
        return _show_page(camp, run_form=form)
    db.session.commit()
    jobs.launch(job.id)
    flash(_l("The badge run has started. This page shows its progress."), "success")
    return redirect(url_for("badges.page", slug=slug) + "#runs", code=303)


@bp.get("/camps/<slug>/manage/badges/download")
def download(slug):
    """A finished run's PDF (?run=<id>), only to the organisers of its own camp."""
    camp = load_camp(slug, "camp.manage")
    return shared_jobs.send_finished(BadgeJob, camp, jobs.FOLDER,
                                     lambda job: f"{camp.slug}-badges-{job.layout}.pdf")


@bp.get("/camps/<slug>/manage/badges.pdf")
def camp_pdf(slug):
    """At once, for small camps; bigger ones use a background run."""
    camp = load_camp(slug, "camp.manage")
    layout = _layout()
    regs = badge_registrations(camp.id)
    if len(regs) > DIRECT_MAX:
        flash(_l("This camp has too many badges to make them at once: start a badge run "
                 "below."), "info")
        return redirect(url_for("badges.page", slug=slug) + "#runs", code=303)
    return _pdf(render_badges_pdf(camp, regs, layout), f"{camp.slug}-badges-{layout}.pdf")


@bp.get("/camps/<slug>/checkin/badges/<int:reg_id>.pdf")
def single(slug, reg_id):
    from camp.checkin.views import _door
    camp, _device = _door(slug)
    reg = db.get_or_404(Registration, reg_id)
    if reg.camp_id != camp.id or reg.status != RegistrationStatus.confirmed:
        abort(404)
    layout = request.args.get("layout")
    return _pdf(render_badges_pdf(camp, [reg], layout if layout in LAYOUTS else "label-90x54"),
                f"badge-{reg.id}.pdf")
