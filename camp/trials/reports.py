"""Reports on a trial and on a camp's follow-up: PDF (for a political committee, Danish
by default), CSV (for Excel) and JSON (for machines).

JSON shapes (stable; "format" names the version, new keys may be added, none removed):

Trial report, "format": "samskab.trial-report/1":
  generated_at        ISO 8601 UTC
  trial               {id, title, purpose, values: [dimension], municipality, unit, area,
                       starts_on, planned_end_on (YYYY-MM-DD or null), status, progress (0-100),
                       outcome_reason, next_review_on, last_update_at, created_at,
                       days_since_update, overdue_reviews, overdue_milestones,
                       camp: {slug, title}, challenge: {id, title, owner_organisation},
                       prototypes: [{id, title, team}]}
  parties             [{id, organisation, contact_name, role, leadership, commitment,
                        resources, revision, agreed_at}]
  milestones          [{id, title, due_on, done_at, overdue}]
  status_history      [{at, from, to, note}]      (updates that changed the status, oldest first)
  evaluation          null, or the newest round with answers:
                      {round: {id, title, opens_at, closes_at}, answered: [party id],
                       missing: [party id],
                       values: [{dimension, achieved: ITEM, co_creation: ITEM}],
                       collaboration: [{item, ...ITEM}],
                       recommendations: {scale_up, adapt, stop: count},
                       recommendations_differ: bool,
                       answers: [{party_id, recommendation, comment, values, collaboration}]}
                      ITEM = {mean (1 decimal or null), spread (or null), disagree: bool,
                              scores: [{party_id, score}]}

Camp follow-up report, "format": "samskab.follow-up-report/1":
  generated_at, camp: {slug, title, starts_at},
  counts: {prototypes, in_trial, by_status: {status: count for every status}},
  prototypes: [{id, title, team, challenge, trial_id, status, progress, last_update_at,
                days_since_update}]   (trial fields null when the prototype has no trial)
  trials: [the trial report's objects without format and generated_at]
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from camp.csvfile import to_csv
from camp.db import utcnow
from camp.extensions import db
from camp.i18n import format_local
from camp.trials import dashboards
from camp.trials import evaluation as ev
from camp.trials.labels import ROLE_LABELS
from camp.trials.models import Leadership, Party, Trial, TrialUpdate

LEADERSHIP_LABELS = {
    Leadership.defining: _l("Defining leadership"),
    Leadership.facilitating: _l("Facilitating leadership"),
    Leadership.none: _l("No leadership role"),
}


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, (date, datetime)) else None


# --- Gathering ----------------------------------------------------------------------------

class TrialReport:
    """Everything a report shows about one trial, read once."""

    def __init__(self, trial: Trial, row: dashboards.TrialRow, history: list[TrialUpdate],
                 today: date):
        self.trial = trial
        self.row = row
        self.today = today
        self.parties = list(trial.parties)
        self.milestones = list(trial.milestones)
        self.history = history
        self.round = ev.latest_round(trial)
        self.results = ev.results(trial, self.round) if self.round is not None else None

    def overdue(self, milestone) -> bool:
        return milestone.done_at is None and milestone.due_on < self.today

    @property
    def status_label(self):
        return dashboards.STATUS_LABELS[self.trial.status]


def _history(trial_ids) -> dict[int, list[TrialUpdate]]:
    ids = list(trial_ids)
    out: dict[int, list[TrialUpdate]] = {i: [] for i in ids}
    if ids:
        for u in db.session.execute(
                select(TrialUpdate).where(TrialUpdate.trial_id.in_(ids),
                                          TrialUpdate.status_to.is_not(None))
                .order_by(TrialUpdate.created_at, TrialUpdate.id)).scalars():
            out[u.trial_id].append(u)
    return out


def _load(trials: list[Trial], rows: dict, today: date) -> list[TrialReport]:
    history = _history(t.id for t in trials)
    return [TrialReport(t, rows[t.id], history[t.id], today) for t in trials]


def trial_report(trial: Trial, now: datetime | None = None) -> TrialReport:
    now = now or utcnow()
    today = dashboards.local_today(trial.camp.timezone, now)
    row = dashboards.trial_rows([trial], today, now)[0]
    return _load([trial], {trial.id: row}, today)[0]


class CampReport:
    def __init__(self, follow: dashboards.FollowUp, trials: list[TrialReport]):
        self.camp = follow.camp
        self.follow = follow
        self.trials = trials
        self.summary = dashboards.summary(follow)


def camp_report(camp, now: datetime | None = None) -> CampReport:
    now = now or utcnow()
    today = dashboards.local_today(camp.timezone, now)
    follow = dashboards.follow_up(camp, today, now)
    rows = {r.trial.id: r for r in follow.trials}
    trials = [r.trial for r in follow.trials]
    if trials:  # parties and milestones of every trial in two queries
        db.session.execute(select(Trial).where(Trial.id.in_(list(rows)))
                           .options(db.selectinload(Trial.parties),
                                    db.selectinload(Trial.milestones))).scalars().all()
    return CampReport(follow, _load(trials, rows, today))


# --- JSON ---------------------------------------------------------------------------------

def _item(item: ev.Item) -> dict:
    return {"mean": round(item.mean, 1) if item.mean is not None else None,
            "spread": item.spread, "disagree": item.disagree,
            "scores": [{"party_id": pid, "score": s} for pid, s in sorted(item.scores.items())]}


def _evaluation(report: TrialReport) -> dict | None:
    res = report.results
    if res is None:
        return None
    r = res.round
    return {
        "round": {"id": r.id, "title": r.title, "opens_at": _iso(r.opens_at),
                  "closes_at": _iso(r.closes_at)},
        "answered": [p.id for p in res.answered], "missing": [p.id for p in res.missing],
        "values": [{"dimension": v.dimension, "achieved": _item(v.achieved),
                    "co_creation": _item(v.co_creation)} for v in res.values],
        "collaboration": [{"item": i.key.split(".", 1)[1], **_item(i)}
                          for i in res.collaboration],
        "recommendations": {rec.value: n for rec, n in res.recommendations.items()},
        "recommendations_differ": res.recommendations_differ,
        "answers": [{"party_id": pid, "recommendation": a.recommendation.value,
                     "comment": a.comment, "values": a.values,
                     "collaboration": a.collaboration}
                    for pid, a in sorted(res.answers.items())],
    }


def _party(p: Party) -> dict:
    return {"id": p.id, "organisation": p.organisation, "contact_name": p.contact_name,
            "role": p.role.value, "leadership": p.leadership.value,
            "commitment": p.commitment, "resources": p.resources, "revision": p.revision,
            "agreed_at": _iso(p.agreed_at)}


def trial_data(report: TrialReport) -> dict:
    t, row = report.trial, report.row
    return {
        "trial": {
            "id": t.id, "title": t.title, "purpose": t.purpose, "values": list(t.values or []),
            "municipality": t.municipality, "unit": t.unit, "area": t.area,
            "starts_on": _iso(t.starts_on), "planned_end_on": _iso(t.planned_end_on),
            "status": t.status.value, "progress": t.progress,
            "outcome_reason": t.outcome_reason, "next_review_on": _iso(t.next_review_on),
            "last_update_at": _iso(t.last_update_at), "created_at": _iso(t.created_at),
            "days_since_update": row.days_since_update,
            "overdue_reviews": row.overdue_reviews,
            "overdue_milestones": row.overdue_milestones,
            "camp": {"slug": t.camp.slug, "title": t.camp.title},
            "challenge": {"id": t.challenge.id, "title": t.challenge.title,
                          "owner_organisation": t.challenge.owner_organisation},
            "prototypes": [{"id": link.prototype.id, "title": link.prototype.title,
                            "team": link.prototype.team.name} for link in t.links],
        },
        "parties": [_party(p) for p in report.parties],
        "milestones": [{"id": m.id, "title": m.title, "due_on": _iso(m.due_on),
                        "done_at": _iso(m.done_at), "overdue": report.overdue(m)}
                       for m in report.milestones],
        "status_history": [{"at": _iso(u.created_at), "from": u.status_from,
                            "to": u.status_to, "note": u.body} for u in report.history],
        "evaluation": _evaluation(report),
    }


def trial_json(report: TrialReport) -> dict:
    return {"format": "samskab.trial-report/1", "generated_at": _iso(utcnow()),
            **trial_data(report)}


def camp_json(report: CampReport) -> dict:
    f = report.follow
    camp = report.camp
    return {
        "format": "samskab.follow-up-report/1", "generated_at": _iso(utcnow()),
        "camp": {"slug": camp.slug, "title": camp.title, "starts_at": _iso(camp.starts_at)},
        "counts": {"prototypes": f.prototypes, "in_trial": f.in_trial,
                   "by_status": {s.value: n for s, n in f.by_status.items()}},
        "prototypes": [{
            "id": r.prototype.id, "title": r.prototype.title, "team": r.prototype.team.name,
            "challenge": r.prototype.challenge.title,
            "trial_id": r.trial.trial.id if r.trial else None,
            "status": r.trial.trial.status.value if r.trial else None,
            "progress": r.trial.trial.progress if r.trial else None,
            "last_update_at": _iso(r.trial.trial.last_update_at) if r.trial else None,
            "days_since_update": r.trial.days_since_update if r.trial else None,
        } for r in f.rows],
        "trials": [trial_data(t) for t in report.trials],
    }


# --- CSV ----------------------------------------------------------------------------------

def _mean(item: ev.Item):
    return round(item.mean, 1) if item.mean is not None else ""


def trial_csv(report: TrialReport) -> bytes:
    """The trial in long form, one fact per line: section, item, party, value, detail."""
    t = report.trial
    tz = t.camp.timezone

    def when(dt):
        return format_local(dt, tz, "yyyy-MM-dd HH:mm")

    trial_section = _("Trial")
    lines = [
        [trial_section, _("Title"), "", t.title, ""],
        [trial_section, _("Purpose"), "", t.purpose, ""],
        [trial_section, _("Intended value"), "",
         ", ".join(str(ev.value_label(v)) for v in (t.values or [])), ""],
        [trial_section, _("Where"), "", ", ".join(x for x in (t.municipality, t.unit, t.area)
                                                  if x), ""],
        [trial_section, _("Status"), "", str(report.status_label), t.outcome_reason],
        [trial_section, _("Progress (%)"), "", t.progress, ""],
        [trial_section, _("Starts"), "", _iso(t.starts_on) or "", ""],
        [trial_section, _("Planned end"), "", _iso(t.planned_end_on) or "", ""],
        [trial_section, _("Days since the last update"), "", report.row.days_since_update, ""],
    ]
    for p in report.parties:
        lines.append([_("Party"), _("Commitment"), p.organisation, p.commitment,
                      f"{ROLE_LABELS[p.role]}; {LEADERSHIP_LABELS[p.leadership]}"])
        lines.append([_("Party"), _("Resources"), p.organisation, p.resources,
                      _("agreed %(when)s", when=when(p.agreed_at)) if p.agreed_at else ""])
    for m in report.milestones:
        state = _("done %(when)s", when=when(m.done_at)) if m.done_at else (
            _("overdue") if report.overdue(m) else _("open"))
        lines.append([_("Milestone"), m.title, "", _iso(m.due_on), state])
    for u in report.history:
        lines.append([_("Status change"), when(u.created_at), "",
                      f"{status_name(u.status_from)} → {status_name(u.status_to)}", u.body])
    res = report.results
    if res is not None:
        section = _("Evaluation: %(round)s", round=res.round.title)
        names = {p.id: p.organisation for p in res.parties}
        for label, item in res.value_rows() + res.collaboration_rows():
            for pid, score in sorted(item.scores.items()):
                lines.append([section, str(label), names[pid], score, ""])
            lines.append([section, str(label), _("Mean"), _mean(item),
                          _("The parties disagree") if item.disagree else ""])
        for pid, a in sorted(res.answers.items()):
            lines.append([section, _("Recommendation"), names[pid],
                          str(ev.RECOMMENDATION_LABELS[a.recommendation]), a.comment])
        for p in res.missing:
            lines.append([section, _("Not answered yet"), p.organisation, "", ""])
    return to_csv([_("Section"), _("Item"), _("Party"), _("Value"), _("Detail")], lines)


def _status(value):
    try:
        return dashboards.TrialStatus(value)
    except ValueError:
        return value


def camp_csv(report: CampReport) -> bytes:
    """One line per submitted prototype with its trial (if any)."""
    tz = report.camp.timezone
    header = [_("Challenge"), _("Prototype"), _("Team"), _("Trial"), _("Status"),
              _("Progress (%)"), _("Starts"), _("Planned end"), _("Last update"),
              _("Days since the last update"), _("Overdue reviews"), _("Overdue milestones"),
              _("Latest evaluation"), _("Recommendations")]
    reports = {t.trial.id: t for t in report.trials}

    def line(r):
        p = r.prototype
        if r.trial is None:
            return [p.challenge.title, p.title, p.team.name, "", _("Not in a trial"),
                    "", "", "", "", "", "", "", "", ""]
        t, tr = r.trial.trial, reports[r.trial.trial.id]
        res = tr.results
        recs = ", ".join(f"{ev.RECOMMENDATION_LABELS[k]}: {n}"
                         for k, n in res.recommendations.items() if n) if res else ""
        return [p.challenge.title, p.title, p.team.name, t.title, str(r.trial.status_label),
                t.progress, _iso(t.starts_on) or "", _iso(t.planned_end_on) or "",
                format_local(t.last_update_at, tz, "yyyy-MM-dd HH:mm"),
                r.trial.days_since_update, r.trial.overdue_reviews,
                r.trial.overdue_milestones, res.round.title if res else "", recs]
    return to_csv(header, (line(r) for r in report.follow.rows))


# --- PDF ----------------------------------------------------------------------------------

def trial_pdf(report: TrialReport) -> bytes:
    from camp.documents import render_pdf
    return render_pdf("pdf/trial_report.html", report=report, camp=report.trial.camp,
                      **_pdf_context())


def camp_pdf(report: CampReport) -> bytes:
    from camp.documents import render_pdf
    return render_pdf("pdf/trial_camp_report.html", report=report, reports=report.trials,
                      camp=report.camp, **_pdf_context())


def status_name(value) -> str:
    """A stored status value ("running") in words; "—" for none."""
    if not value:
        return "—"
    status = _status(value)
    return str(dashboards.STATUS_LABELS.get(status, value))


def _pdf_context() -> dict:
    return {"ev": ev, "printed_at": utcnow(), "status_name": status_name,
            "labels": {"status": dashboards.STATUS_LABELS, "role": ROLE_LABELS,
                       "leadership": LEADERSHIP_LABELS,
                       "recommendation": ev.RECOMMENDATION_LABELS}}
