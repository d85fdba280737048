"""Organiser pages for teams: defaults, limits, locks, moving people, CSV."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from camp.csvfile import csv_response
from camp.i18n import from_local_naive, to_local_naive
from camp.teams import forms, organise, services
from camp.teams.mix import team_mix
from camp.teams.models import Team
from camp.teams.views import bp
from camp.web import get_in_camp, load_camp, post_action, save_form


def _overview(camp):
    teams = services.teams_of_camp(camp)
    people = services.people(camp.id, [m.user_id for t in teams for m in t.members])
    return teams, people


@bp.route("/camps/<slug>/manage/teams", methods=["GET", "POST"])
def manage(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.TeamSettingsForm(obj=camp)
    if request.method == "GET":
        form.teams_lock_at.data = to_local_naive(camp.teams_lock_at, camp.timezone)
    done = save_form(form, lambda: organise.set_camp_defaults(
        current_user, camp, form.team_min_size.data, form.team_max_size.data,
        from_local_naive(form.teams_lock_at.data, camp.timezone)),
        _("The team settings are saved."), url_for("teams.manage", slug=camp.slug))
    if done:
        return done
    teams, people = _overview(camp)
    movable = organise.movable_people(camp)
    return render_template(
        "teams/manage.html", camp=camp, form=form, teams=teams, people=people,
        mixes={t.id: team_mix(people[m.user_id] for m in t.members) for t in teams},
        locked=services.is_locked, camp_locked=services.camp_locked(camp),
        move_form=forms.move_form(movable, teams),
        without_team=organise.without_team_count(camp))


@bp.route("/camps/<slug>/manage/teams/<int:team_id>", methods=["GET", "POST"])
def manage_team(slug, team_id):
    camp = load_camp(slug, "camp.manage")
    team = get_in_camp(Team, team_id, camp)
    form = forms.TeamLimitsForm(obj=team)
    done = save_form(form, lambda: organise.set_team_limits(
        current_user, team, form.min_size.data, form.max_size.data),
        _("The limits for %(team)s are saved.", team=team.name),
        url_for("teams.manage", slug=camp.slug))
    people = services.people(camp.id, [m.user_id for m in team.members])
    return done or render_template(
        "teams/manage_team.html", camp=camp, team=team, form=form, people=people,
        mix=team_mix(people[m.user_id] for m in team.members),
        locked=services.is_locked(team))


@bp.post("/camps/<slug>/manage/teams/<int:team_id>/lock")
def lock(slug, team_id):
    camp = load_camp(slug, "camp.manage")
    team = get_in_camp(Team, team_id, camp)
    return post_action(lambda: organise.set_locked(current_user, team, True),
                       _("%(team)s is locked.", team=team.name),
                       url_for("teams.manage", slug=camp.slug))


@bp.post("/camps/<slug>/manage/teams/<int:team_id>/unlock")
def unlock(slug, team_id):
    camp = load_camp(slug, "camp.manage")
    team = get_in_camp(Team, team_id, camp)
    return post_action(lambda: organise.set_locked(current_user, team, False),
                       _("%(team)s is unlocked.", team=team.name),
                       url_for("teams.manage", slug=camp.slug))


@bp.post("/camps/<slug>/manage/teams/move")
def move(slug):
    camp = load_camp(slug, "camp.manage")
    form = forms.MoveForm()
    return post_action(
        lambda: organise.move_person(current_user, camp, _int(form.user_id.raw_data),
                                     _int(form.team_id.raw_data)),
        lambda team: _("The person is moved to %(team)s.", team=team.name),
        url_for("teams.manage", slug=camp.slug) + "#move")


def _int(raw) -> int | None:
    try:
        return int(raw[0]) if raw else None
    except (TypeError, ValueError):
        return None


@bp.get("/camps/<slug>/manage/teams.csv")
def export_csv(slug):
    camp = load_camp(slug, "camp.manage")
    teams, people = _overview(camp)
    body = organise.teams_csv(camp, teams, people, services.is_locked)
    return csv_response(body, f"{camp.slug}-teams.csv")
