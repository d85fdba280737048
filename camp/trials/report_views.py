"""The owner's dashboard, the organisers' follow-up overview, and the reports (PDF, CSV,
JSON) on a trial and on a camp's follow-up."""
from datetime import datetime

from flask import Blueprint, Response, jsonify, render_template, request
from flask_babel import force_locale, format_date
from flask_login import current_user, login_required

from camp.csvfile import csv_response
from camp.i18n import zone
from camp.trials import dashboards
from camp.trials import reports as services
from camp.trials.evaluation_views import load_trial
from camp.trials.models import TrialStatus
from camp.web import load_camp

bp = Blueprint("trial_reports", __name__)


@bp.app_template_filter("day")
def day(value, tz: str | None = None) -> str:
    """A date in the reader's language ("25. september 2026"); a moment as its day in the
    time zone `tz`; "" for none."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(zone(tz)).date()
    return format_date(value, format="long")


# --- Dashboards ---------------------------------------------------------------------------

@bp.get("/me/trials")
@login_required
def mine():
    board = dashboards.owner_dashboard(current_user)
    return render_template("trial_reports/mine.html", board=board,
                           labels=dashboards.STATUS_LABELS)


@bp.get("/camps/<slug>/manage/follow-up")
def follow_up(slug):
    camp = load_camp(slug, "camp.manage")
    follow = dashboards.follow_up(camp)
    status = request.args.get("status", "")
    rows = follow.rows
    if status == "none":
        rows = [r for r in rows if r.trial is None]
    elif status in {s.value for s in TrialStatus}:
        rows = [r for r in rows if r.trial is not None and r.trial.trial.status.value == status]
    else:
        status = ""
    return render_template("trial_reports/follow_up.html", camp=camp, follow=follow,
                           rows=rows, chosen=status, summary=dashboards.summary(follow),
                           labels=dashboards.STATUS_LABELS)


# --- Reports ------------------------------------------------------------------------------

def _pdf(render, filename: str) -> Response:
    """Danish unless ?lang=en: the report is read by a political committee."""
    lang = "en" if request.args.get("lang") == "en" else "da"
    with force_locale(lang):
        body = render()
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"'})


@bp.get("/trials/<int:trial_id>/report.pdf")
def trial_pdf(trial_id):
    trial = load_trial(trial_id, "trial.manage")
    return _pdf(lambda: services.trial_pdf(services.trial_report(trial)),
                f"trial-{trial.id}.pdf")


@bp.get("/trials/<int:trial_id>/report.csv")
def trial_csv(trial_id):
    trial = load_trial(trial_id, "trial.manage")
    return csv_response(services.trial_csv(services.trial_report(trial)),
                        f"trial-{trial.id}.csv")


@bp.get("/trials/<int:trial_id>/report.json")
def trial_json(trial_id):
    trial = load_trial(trial_id, "trial.manage")
    return jsonify(services.trial_json(services.trial_report(trial)))


@bp.get("/camps/<slug>/manage/follow-up/report.pdf")
def camp_pdf(slug):
    camp = load_camp(slug, "camp.manage")
    return _pdf(lambda: services.camp_pdf(services.camp_report(camp)),
                f"{camp.slug}-follow-up.pdf")


@bp.get("/camps/<slug>/manage/follow-up/report.csv")
def camp_csv(slug):
    camp = load_camp(slug, "camp.manage")
    return csv_response(services.camp_csv(services.camp_report(camp)),
                        f"{camp.slug}-follow-up.csv")


@bp.get("/camps/<slug>/manage/follow-up/report.json")
def camp_json(slug):
    camp = load_camp(slug, "camp.manage")
    return jsonify(services.camp_json(services.camp_report(camp)))
