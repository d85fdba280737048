"""Data protection pages: the privacy notice, the accessibility statement, and for
organisers a camp's consent log and audit log (both with CSV export)."""
from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select

from camp.camps.models import Camp, CampStatus
from camp.csvfile import csv_response
from camp.extensions import db
from camp.privacy import auditlog, consent, retention
from camp.privacy.forms import AuditFilterForm
from camp.web import load_camp

bp = Blueprint("privacy", __name__)

PUBLIC = (CampStatus.published, CampStatus.closed, CampStatus.archived)
CAMPS_SHOWN = 100


@bp.app_template_global()
def retention_due(camp):
    """When the camp's participants' data is due for erasure (settings page)."""
    return retention.erase_due_at(camp)


@bp.get("/privacy")
def policy():
    camps = db.session.execute(
        select(Camp).where(Camp.status.in_(PUBLIC)).order_by(Camp.starts_at.desc())
        .limit(CAMPS_SHOWN)).scalars().all()
    return render_template("privacy/policy.html", camps=camps,
                           version=consent.PRIVACY_VERSION,
                           contact=current_app.config.get("CONTACT_EMAIL"))


@bp.get("/accessibility")
def accessibility():
    return render_template("privacy/accessibility.html",
                           contact=current_app.config.get("CONTACT_EMAIL"))


@bp.get("/camps/<slug>/manage/consents")
def consents(slug):
    camp = load_camp(slug, "camp.manage")
    page = consent.consents_page(camp.id, request.args.get("page", 1, type=int),
                                 current_app.config["REGISTRATIONS_PER_PAGE"])
    return render_template("privacy/consents.html", camp=camp, page=page,
                           names=consent.who(page.items), kind_label=consent.kind_label)


@bp.get("/camps/<slug>/manage/consents.csv")
def consents_csv(slug):
    camp = load_camp(slug, "camp.manage")
    events = db.session.execute(consent.camp_consents(camp.id)).scalars().all()
    return csv_response(consent.consents_csv(camp, events), f"{camp.slug}-consents.csv")


@bp.get("/camps/<slug>/manage/audit")
def audit(slug):
    camp = load_camp(slug, "camp.manage")
    form = AuditFilterForm(request.args)
    form.set_choices(*auditlog.filter_choices(camp.id))
    filters = auditlog.Filters.from_args(request.args) if form.validate() \
        else auditlog.Filters()
    page = auditlog.events_page(camp.id, filters, request.args.get("page", 1, type=int))
    return render_template("privacy/audit.html", camp=camp, form=form, filters=filters,
                           page=page, names=auditlog.actor_names(page.items),
                           action_label=auditlog.action_label,
                           object_text=auditlog.object_text, data_text=auditlog.data_text)


@bp.get("/camps/<slug>/manage/audit.csv")
def audit_csv(slug):
    camp = load_camp(slug, "camp.manage")
    filters = auditlog.Filters.from_args(request.args)
    return csv_response(auditlog.audit_csv(camp, auditlog.all_events(camp.id, filters)),
                        f"{camp.slug}-audit-log.csv")
