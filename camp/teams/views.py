"""Teams: forming, joining by invite link or request, leaving, the looking-for-a-team board."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, \
    url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from camp.errors import DomainError
from camp.extensions import db
from camp.permissions import can
from camp.teams import board, forms, notify, services
from camp.teams.mix import team_mix
from camp.teams.models import JoinRequest, JoinRequestStatus, Team, TeamMember
from camp.web import get_child, get_in_camp, load_camp, post_action, save_form

bp = Blueprint("teams", __name__)


def _team(slug, team_id, action="team.view"):
    camp = load_camp(slug)
    team = get_in_camp(Team, team_id, camp)
    if not can(current_user, action, team):
        abort(403)
    return camp, team


def _show(team) -> str:
    return url_for("teams.show", slug=team.camp.slug, team_id=team.id)


def _organiser(camp) -> bool:
    return can(current_user, "team.organise", camp)


@bp.get("/camps/<slug>/teams/")
def index(slug):
    camp = load_camp(slug)
    challenge_id = request.args.get("challenge", type=int)
    teams = services.teams_of_camp(camp, challenge_id)
    people = services.people(camp.id, [m.user_id for t in teams for m in t.members])
    mine = services.team_of(camp.id, current_user.id) if current_user.is_authenticated \
        else None
    return render_template(
        "teams/index.html", camp=camp, teams=teams, mine=mine, challenge_id=challenge_id,
        challenges=services.published_challenges(camp), locked=services.is_locked,
        mixes={t.id: team_mix(people[m.user_id] for m in t.members) for t in teams},
        may_take_part=can(current_user, "team.take_part", camp))


@bp.route("/camps/<slug>/teams/new", methods=["GET", "POST"])
@login_required
def new(slug):
    camp = load_camp(slug, "team.take_part")
    mine = services.team_of(camp.id, current_user.id)
    if mine is not None:
        flash(_("You are already in %(team)s. Leave it before you start a new team.",
                team=mine.name), "info")
        return redirect(_show(mine), code=303)
    challenges = services.published_challenges(camp)
    form = forms.team_form(challenges)
    done = save_form(form, lambda: services.create_team(
        current_user, camp, services.TeamData(form.name.data, form.pitch.data,
                                              form.challenge_id.data),
        organiser=_organiser(camp)),
        lambda team: _("%(team)s is started. Invite people with a link or wait for "
                       "requests.", team=team.name), _show)
    return done or render_template("teams/new.html", camp=camp, form=form,
                                   challenges=challenges,
                                   locked=services.camp_locked(camp) and not _organiser(camp))


@bp.get("/camps/<slug>/teams/<int:team_id>")
def show(slug, team_id):
    camp, team = _team(slug, team_id)
    people = services.people(camp.id, [m.user_id for m in team.members])
    member = services.is_member(team, current_user)
    lead = can(current_user, "team.lead", team)
    requests_ = services.pending_requests(team) if lead else []
    requesters = services.people(camp.id, [r.user_id for r in requests_])
    mine = services.team_of(camp.id, current_user.id) if current_user.is_authenticated \
        else None
    token = services.invite_link_token(team) if lead else None
    lead_form = forms.LeadForm()
    lead_form.user_id.choices = [("", _("Choose …"))] + [
        (m.user_id, people[m.user_id].name) for m in team.members if m.user_id != team.lead_id]
    return render_template(
        "teams/show.html", camp=camp, team=team, people=people, member=member, lead=lead,
        mix=team_mix(people[m.user_id] for m in team.members), requests=requests_,
        requesters=requesters, mine=mine, locked=services.is_locked(team),
        own_request=services.pending_request_of(team, getattr(current_user, "id", None)),
        may_take_part=can(current_user, "team.take_part", camp),
        invite_url=url_for("teams.invite_landing", slug=camp.slug, token=token,
                           _external=True) if token else None,
        join_form=forms.JoinRequestForm(), invite_form=forms.InviteForm(), lead_form=lead_form)


@bp.route("/camps/<slug>/teams/<int:team_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug, team_id):
    camp, team = _team(slug, team_id, "team.lead")
    form = forms.TeamEditForm(obj=team)
    done = save_form(form, lambda: services.update_team(
        current_user, team, services.TeamData(form.name.data, form.pitch.data)),
        _("The team is saved."), _show)
    return done or render_template("teams/edit.html", camp=camp, team=team, form=form)


@bp.post("/camps/<slug>/teams/<int:team_id>/invite")
@login_required
def invite(slug, team_id):
    camp, team = _team(slug, team_id, "team.lead")
    form = forms.InviteForm()
    if not form.validate_on_submit():
        flash(_("Choose how long the link should work."), "error")
        return redirect(_show(team), code=303)
    return post_action(lambda: services.create_invite(current_user, team, form.hours.data),
                       _("A new invite link is ready. Earlier links no longer work."),
                       _show(team) + "#invite")


@bp.post("/camps/<slug>/teams/<int:team_id>/invite/revoke")
@login_required
def revoke_invite(slug, team_id):
    camp, team = _team(slug, team_id, "team.lead")
    return post_action(lambda: services.revoke_invite(current_user, team),
                       _("The invite link no longer works."), _show(team) + "#invite")


@bp.route("/camps/<slug>/teams/join/<token>", methods=["GET", "POST"])
def invite_landing(slug, token):
    camp = load_camp(slug)
    try:
        team = services.team_for_invite(camp, token)
    except DomainError as exc:
        return render_template("teams/invite_invalid.html", camp=camp,
                               message=exc.message), 400
    if request.method == "POST":
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not can(current_user, "team.take_part", camp):
            abort(403)
        return post_action(lambda: services.join_by_invite(current_user, camp, token),
                           _("Welcome to %(team)s!", team=team.name), _show(team))
    people = services.people(camp.id, [m.user_id for m in team.members])
    return render_template(
        "teams/invite.html", camp=camp, team=team, people=people,
        mix=team_mix(people.values()), mine=services.team_of(camp.id, current_user.id)
        if current_user.is_authenticated else None,
        may_take_part=can(current_user, "team.take_part", camp))


@bp.post("/camps/<slug>/teams/<int:team_id>/join-requests")
@login_required
def request_join(slug, team_id):
    camp = load_camp(slug, "team.take_part")
    team = get_in_camp(Team, team_id, camp)
    form = forms.JoinRequestForm()
    if not form.validate_on_submit():
        flash(_("Keep the message under 1,000 characters."), "error")
        return redirect(_show(team), code=303)
    return post_action(lambda: services.request_to_join(current_user, team, form.message.data),
                       _("Your request is sent to the team lead. We e-mail you the answer."),
                       _show(team), after=notify.join_requested)


def _join_request(slug, team_id, join_request_id, action="team.lead"):
    camp, team = _team(slug, team_id, action)
    join_request = get_child(JoinRequest, join_request_id, camp_id=camp.id, team_id=team.id)
    return camp, team, join_request


@bp.post("/camps/<slug>/teams/<int:team_id>/join-requests/<int:join_request_id>/approve")
@login_required
def approve(slug, team_id, join_request_id):
    camp, team, jr = _join_request(slug, team_id, join_request_id)
    return post_action(lambda: services.decide_request(current_user, jr, True,
                                                       organiser=_organiser(camp)),
                       _("%(name)s is now in the team.", name=jr.user.name), _show(team),
                       after=notify.join_decided)


@bp.post("/camps/<slug>/teams/<int:team_id>/join-requests/<int:join_request_id>/decline")
@login_required
def decline(slug, team_id, join_request_id):
    camp, team, jr = _join_request(slug, team_id, join_request_id)
    return post_action(lambda: services.decide_request(current_user, jr, False),
                       _("The request from %(name)s is declined.", name=jr.user.name),
                       _show(team), after=notify.join_decided)


@bp.post("/camps/<slug>/teams/<int:team_id>/join-requests/<int:join_request_id>/withdraw")
@login_required
def withdraw(slug, team_id, join_request_id):
    camp, team, jr = _join_request(slug, team_id, join_request_id, "team.view")
    if jr.user_id != current_user.id:
        abort(403)
    return post_action(lambda: services.withdraw_request(current_user, jr),
                       _("Your request is withdrawn."), _show(team))


@bp.post("/camps/<slug>/teams/<int:team_id>/leave")
@login_required
def leave(slug, team_id):
    camp, team = _team(slug, team_id)
    if not services.is_member(team, current_user):
        abort(403)
    return post_action(lambda: services.leave(current_user, team),
                       _("You have left %(team)s.", team=team.name),
                       url_for("teams.index", slug=camp.slug))


@bp.post("/camps/<slug>/teams/<int:team_id>/lead")
@login_required
def hand_over_lead(slug, team_id):
    camp, team = _team(slug, team_id, "team.lead")
    form = forms.LeadForm()
    return post_action(lambda: services.hand_over_lead(current_user, team, form.user_id.data),
                       _("The lead is handed over."), _show(team))


@bp.get("/me/teams")
@login_required
def mine():
    memberships = db.session.execute(
        db.select(TeamMember).where(TeamMember.user_id == current_user.id)
        .options(db.joinedload(TeamMember.team).joinedload(Team.camp),
                 db.joinedload(TeamMember.team).joinedload(Team.challenge))
        .order_by(TeamMember.joined_at.desc())).scalars().all()
    requests_ = db.session.execute(
        db.select(JoinRequest).where(JoinRequest.user_id == current_user.id,
                                     JoinRequest.status == JoinRequestStatus.pending)
        .options(db.joinedload(JoinRequest.team).joinedload(Team.camp))
        .order_by(JoinRequest.created_at.desc())).scalars().all()
    return render_template("teams/mine.html", memberships=memberships, requests=requests_)


@bp.get("/camps/<slug>/teams/board")
@login_required
def board_list(slug):
    camp = load_camp(slug, "team.take_part")
    form = forms.BoardFilterForm(request.args)
    q = (form.q.data or "").strip() if form.validate() else ""
    page = board.board_page(camp, q, request.args.get("page", 1, type=int),
                            current_app.config["REGISTRATIONS_PER_PAGE"])
    return render_template(
        "teams/board.html", camp=camp, form=form, page=page, q=q,
        people=services.people(camp.id, [s.user_id for s in page.items]),
        challenges={c.id: c for c in services.published_challenges(camp)},
        own=board.seeker_of(camp, current_user.id),
        mine=services.team_of(camp.id, current_user.id))


@bp.route("/camps/<slug>/teams/board/me", methods=["GET", "POST"])
@login_required
def board_me(slug):
    camp = load_camp(slug, "team.take_part")
    mine = services.team_of(camp.id, current_user.id)
    if mine is not None:
        flash(_("You are in %(team)s, so you are not on the board.", team=mine.name), "info")
        return redirect(_show(mine), code=303)
    seeker = board.seeker_of(camp, current_user.id)
    challenges = services.published_challenges(camp)
    form = forms.seeker_form(challenges)
    if request.method == "GET" and seeker is not None:
        form.interests.data, form.skills.data = seeker.interests, seeker.skills
        for name, challenge_id in zip(forms.SeekerForm.PREFERENCES, seeker.preferences or []):
            form[name].data = challenge_id
        form.together_with.data = seeker.together_with.email if seeker.together_with else ""
    done = save_form(form, lambda: board.save_seeker(current_user, camp, board.SeekerData(
        interests=form.interests.data, skills=form.skills.data,
        preferences=[form[n].data for n in forms.SeekerForm.PREFERENCES],
        together_with_email=form.together_with.data or "")),
        _("You are on the board. Teams can now find you."),
        url_for("teams.board_list", slug=camp.slug))
    return done or render_template("teams/board_me.html", camp=camp, form=form,
                                   seeker=seeker, challenges=challenges)


@bp.post("/camps/<slug>/teams/board/me/remove")
@login_required
def board_remove(slug):
    camp = load_camp(slug, "team.take_part")
    return post_action(lambda: board.remove_seeker(current_user, camp),
                       _("You are no longer on the board."),
                       url_for("teams.board_list", slug=camp.slug))


# The organiser's pages live in their own module on the same blueprint.
from camp.teams import manage_views  # noqa: E402,F401
