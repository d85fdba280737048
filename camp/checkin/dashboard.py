"""The organiser's live view of the door, and the fire-safety list of who is inside."""
from flask import render_template, request
from flask_babel import gettext as _

from camp.actors import actor_label
from camp.checkin import services
from camp.checkin.labels import EXIT_TEXT, RESULT_TEXT, RESULT_TONE
from camp.checkin.views import bp
from camp.csvfile import csv_response, to_csv
from camp.db import utcnow
from camp.i18n import format_local, zone
from camp.web import load_camp


@bp.get("/camps/<slug>/manage/checkin")
def dashboard(slug):
    camp = load_camp(slug, "camp.manage")
    tz = zone(camp.timezone)
    people = services.inside_now(camp.id)
    slots = services.arrivals(camp.id, tz)
    template = "checkin/_live.html" if _is_htmx() else "checkin/dashboard.html"
    return render_template(
        template, camp=camp, counts=services.counts(camp.id), inside=people,
        by_type=services.inside_by_actor_type(people), slots=slots,
        slot_max=max((n for _, n in slots), default=0),
        days=services.attendance_by_day(camp.id, tz), recent=services.recent_scans(camp.id),
        conflicts=services.offline_conflicts(camp.id),
        texts=RESULT_TEXT, tones=RESULT_TONE, exit_text=EXIT_TEXT)


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


@bp.get("/camps/<slug>/manage/checkin/inside")
def inside(slug):
    camp = load_camp(slug, "camp.manage")
    return render_template("checkin/inside.html", camp=camp, now=utcnow(),
                           people=services.inside_now(camp.id))


@bp.get("/camps/<slug>/manage/checkin/inside.csv")
def inside_csv(slug):
    camp = load_camp(slug, "camp.manage")
    body = to_csv([_("Name"), _("Organisation"), _("Actor type"), _("Accessibility needs"),
                   _("E-mail")],
                  ([p.name, p.organisation, actor_label(p.actor_type), p.accessibility, p.email]
                   for p in services.inside_now(camp.id)))
    stamp = format_local(utcnow(), camp.timezone, "yyyyMMdd-HHmm")
    return csv_response(body, f"{camp.slug}-inside-{stamp}.csv")
