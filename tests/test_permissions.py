"""The permission table: every route, every role, the expected status. Default deny.

Rows live in tests/permission_rows/<feature>.py. A route without a row fails
test_every_route_has_a_row, so new routes cannot slip in unreviewed.
"""
import atexit
import importlib
import pkgutil
import shutil
import uuid
from contextlib import contextmanager

import pytest
from flask import url_for

from camp.camps.models import CampStatus, Invitation, ProgrammeItem, QuestionKind, \
    RegistrationQuestion, Role
from camp.extensions import db
from tests import permission_rows
from tests.conftest import database_name, make_test_app, new_database_url, sign_in
from tests.factories import add_role, make_camp, make_challenge, make_prototype, \
    make_registration, make_team, make_user

# Routing and the permission rules do not depend on the database; every route also runs
# on PostgreSQL in the feature tests. So the table runs once, in the SQLite pass.
pytestmark = pytest.mark.once

ROLES = ["anonymous", "participant", "staff", "jury", "owner", "organiser", "other_organiser",
         "admin"]


def _rows():
    rows = []
    for info in pkgutil.iter_modules(permission_rows.__path__):
        module = importlib.import_module(f"{permission_rows.__name__}.{info.name}")
        rows.extend(module.ROWS)
    return rows


ROWS = _rows()


def build_world():
    users = {
        "participant": make_user(), "staff": make_user(), "jury": make_user(),
        "owner": make_user(), "organiser": make_user(), "other_organiser": make_user(),
        "admin": make_user(is_admin=True),
    }
    camp = make_camp(organiser=users["organiser"], status=CampStatus.published)
    add_role(users["staff"], camp, Role.staff)
    add_role(users["jury"], camp, Role.jury)
    add_role(users["participant"], camp, Role.participant)
    registration = make_registration(camp, users["participant"])
    make_camp(organiser=users["other_organiser"])
    item = ProgrammeItem(camp=camp, title="Velkomst", starts_at=camp.starts_at,
                         ends_at=camp.ends_at)
    question = RegistrationQuestion(camp=camp, kind=QuestionKind.single, label="Tema?",
                                    choices=["A", "B"])
    invitation = Invitation(camp=camp, email="inviteret@example.dk", role=Role.staff)
    db.session.add_all([item, question, invitation])
    from camp.checkin.devices import create_device
    device, _token = create_device(users["organiser"], camp, "Dør 1", 12)
    db.session.commit()
    organiser_membership = camp.memberships[0]
    # Issue 5: "owner" owns a published challenge; "participant" leads a team on it, which
    # has a pending join request from someone else and an open question to the owner.
    from camp.challenges.models import QuestionRequest
    from camp.teams.models import JoinRequest
    challenge = make_challenge(camp, users["owner"])
    team = make_team(camp, challenge, lead=users["participant"])
    outsider = make_user()
    make_registration(camp, outsider)
    join_request = JoinRequest(camp_id=camp.id, team=team, user=outsider, message="Må jeg?")
    question_request = QuestionRequest(camp_id=camp.id, challenge=challenge, team=team,
                                       text="Kan vi tale med en hjemmehjælper?",
                                       asked_by_id=users["participant"].id)
    db.session.add_all([join_request, question_request])
    db.session.commit()
    from camp.challenges.attachments import add as add_attachment
    attachment = add_attachment(users["owner"], challenge, b"%PDF-1.4\n%%EOF\n", "bilag.pdf")
    db.session.commit()
    # Issue 6: the team has submitted a prototype; the owner has commented on it.
    from camp.prototypes.models import Feedback
    prototype = make_prototype(team)
    feedback = Feedback(prototype_id=prototype.id, author_id=users["owner"].id,
                        from_owner=True, body="Godt arbejde. Hvem skal betale?")
    db.session.add(feedback)
    db.session.commit()
    # ... and a PNG on it (P1: the file routes need a file_id).
    import io
    from PIL import Image
    from camp.prototypes.files import add as add_prototype_file
    png = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 90)).save(png, format="PNG")
    prototype_file = add_prototype_file(users["participant"], prototype, png.getvalue(),
                                        "skitse.png")
    db.session.commit()
    # ... a criterion, and the world's juror assigned to the prototype.
    from camp.judging.models import Criterion, JuryAssignment
    criterion = Criterion(camp_id=camp.id, name="Skabt værdi", weight=2, scale_max=5)
    assignment = JuryAssignment(camp_id=camp.id, juror_id=users["jury"].id,
                                prototype_id=prototype.id)
    db.session.add_all([criterion, assignment])
    db.session.commit()
    # Issue 8: a charter of the camp in consultation, with one clause, a first version, an
    # open proposal by "participant" (with a comment) and, on a final version of a second
    # charter (standing on its own), a confirmed signature.
    charter_ids = _charter_world(users, camp)
    trial_ids = _trial_world(users, camp, prototype)
    args = {"slug": camp.slug, "reg_id": registration.id, "item_id": item.id,
            "question_id": question.id, "invitation_id": invitation.id,
            "membership_id": organiser_membership.id, "token": "not-a-valid-token",
            "filename": "css/app.css", "secret": registration.ticket_secret,
            "device_id": device.id, "challenge_id": challenge.id, "team_id": team.id,
            "join_request_id": join_request.id, "request_id": question_request.id,
            "owner_id": challenge.owners[0].id, "attachment_id": attachment.id,
            "prototype_id": prototype.id, "feedback_id": feedback.id,
            "file_id": prototype_file.id, "number": 1, "criterion_id": criterion.id,
            "assignment_id": assignment.id, "user_id": users["participant"].id,
            **charter_ids, **trial_ids}
    return users, args


def _charter_world(users, camp) -> dict:
    from datetime import timedelta

    from camp.charters.models import Charter, CharterComment, CharterPhase, CharterVersion, \
        Clause, Proposal, ProposalKind, Section, Signature
    from camp.db import utcnow
    charter = Charter(slug="samskabelsescharter", camp_id=camp.id, title="Charter",
                      phase=CharterPhase.consultation,
                      consultation_closes_at=utcnow() + timedelta(days=14),
                      created_by_id=users["organiser"].id)
    section = Section(charter=charter, position=1, title="Principper")
    db.session.add_all([charter, section])
    db.session.flush()
    clause = Clause(charter_id=charter.id, section_id=section.id, position=1,
                    text="Vi mødes som ligeværdige parter.")
    db.session.add(clause)
    db.session.flush()
    snapshot = {"title": charter.title, "introduction": "", "sections": [
        {"id": section.id, "number": 1, "title": section.title,
         "clauses": [{"id": clause.id, "number": "1.1", "text": clause.text}]}]}
    version = CharterVersion(charter_id=charter.id, number=1, snapshot=snapshot,
                             changelog=[], created_by_id=users["organiser"].id)
    proposal = Proposal(charter_id=charter.id, kind=ProposalKind.replace, clause_id=clause.id,
                        text="Vi mødes som ligeværdige parter og deler viden.",
                        rationale="Viden skal deles.", base_revision=1,
                        base_text=clause.text, author_id=users["participant"].id)
    db.session.add_all([version, proposal])
    db.session.flush()
    comment = CharterComment(charter_id=charter.id, proposal_id=proposal.id,
                             body="Hvad betyder det i praksis?",
                             author_id=users["owner"].id)
    final = Charter(slug="nationalt-charter", title="Nationalt charter",
                    phase=CharterPhase.final, created_by_id=users["organiser"].id)
    db.session.add_all([comment, final])
    db.session.flush()
    final_version = CharterVersion(charter_id=final.id, number=1, snapshot=snapshot,
                                   changelog=[], is_final=True, final_at=utcnow())
    db.session.add(final_version)
    db.session.flush()
    signature = Signature(charter_id=final.id, version_id=final_version.id,
                          organisation="Roskilde Kommune",
                          organisation_key="roskilde kommune", signer_name="Anna Borgmester",
                          signer_title="Borgmester", email="anna@example.dk",
                          confirmed_at=utcnow())
    db.session.add(signature)
    db.session.commit()
    return {"charter_slug": charter.slug, "final_charter_slug": final.slug,
            "section_id": section.id, "clause_id": clause.id, "version_number": 1,
            "proposal_id": proposal.id, "comment_id": comment.id,
            "signature_id": signature.id}


def _trial_world(users, camp, prototype) -> dict:
    """Issue 7: "owner" took the world's prototype into a running trial. Parties: the
    owner's organisation (contact "owner") and a citizen group (contact "participant").
    A milestone, an update, a due review, an open evaluation round; "participant" follows."""
    from datetime import date, timedelta

    from camp.db import utcnow
    from camp.trials.models import EvaluationRound, Follower, Leadership, Milestone, Party, \
        PartyRole, Review, Trial, TrialPrototype, TrialStatus, TrialUpdate
    trial = Trial(camp_id=camp.id, challenge_id=prototype.challenge_id,
                  title="Besøgsven i hjemmeplejen", purpose="Færre ensomme ældre.",
                  values=["quality"], municipality="Roskilde", status=TrialStatus.running,
                  progress=30, starts_on=date.today() - timedelta(days=30),
                  planned_end_on=date.today() + timedelta(days=90),
                  next_review_on=date.today() + timedelta(days=12),
                  created_by_id=users["owner"].id)
    db.session.add(trial)
    db.session.flush()
    db.session.add(TrialPrototype(trial_id=trial.id, prototype_id=prototype.id))
    owner_party = Party(trial_id=trial.id, organisation="Roskilde Kommune",
                        contact_name="Ejer", user_id=users["owner"].id, role=PartyRole.owner,
                        leadership=Leadership.defining, commitment="To medarbejdere.",
                        agreed_at=utcnow())
    citizen_party = Party(trial_id=trial.id, organisation="Ældresagen Roskilde",
                          contact_name="Deltager", user_id=users["participant"].id,
                          role=PartyRole.citizen_group, leadership=Leadership.facilitating,
                          commitment="Ti frivillige besøgsvenner.", agreed_at=utcnow())
    milestone = Milestone(trial_id=trial.id, title="Første besøg",
                          due_on=date.today() + timedelta(days=7))
    update = TrialUpdate(trial_id=trial.id, author_id=users["owner"].id,
                         body="Vi er i gang.", progress=30)
    review = Review(trial_id=trial.id, due_on=date.today() + timedelta(days=12))
    evaluation_round = EvaluationRound(trial_id=trial.id, title="Midtvejs",
                                       created_by_id=users["owner"].id)
    follower = Follower(trial_id=trial.id, user_id=users["participant"].id,
                        unsubscribe_token="world-unsubscribe-token")
    db.session.add_all([owner_party, citizen_party, milestone, update, review,
                        evaluation_round, follower])
    db.session.commit()
    return {"trial_id": trial.id, "party_id": citizen_party.id,
            "owner_party_id": owner_party.id, "milestone_id": milestone.id,
            "update_id": update.id, "review_id": review.id, "round_id": evaluation_round.id,
            "unsubscribe_token": follower.unsubscribe_token}


def test_every_route_has_a_row(app):
    covered = {(endpoint, method) for endpoint, method, _, _ in ROWS}
    missing = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "Routes without a permission row:\n" + "\n".join(missing)


def test_rows_name_real_routes(app):
    endpoints = {(r.endpoint, m) for r in app.url_map.iter_rules() for m in r.methods}
    stale = [(e, m) for e, m, _, _ in ROWS if (e, m) not in endpoints]
    assert not stale, stale


# Building the world costs more than the eight requests of a row, so each test process
# builds it once and every row (and every rebuild after a POST that changed it) starts
# from a copy of that database and its instance folder (uploaded files).
_world: dict = {}


def _world_template(tmp_path) -> dict:
    if not _world:
        home = tmp_path.parent / f"world-{uuid.uuid4().hex[:8]}"
        home.mkdir()
        url, drop = new_database_url(home, with_schema=True)
        atexit.register(drop)
        app = make_test_app(url, home / "instance")
        with app.app_context():
            users, args = build_world()
            user_ids = {role: user.get_id() for role, user in users.items()}
            db.session.remove()
            db.engine.dispose()
        _world.update(database=database_name(url), instance=home / "instance",
                      users=user_ids, args=args)
    return _world


@contextmanager
def _copy_of_the_world(tmp_path, n: int):
    """An app over a fresh copy of the world; yields (app, client)."""
    world = _world_template(tmp_path)
    url, drop = new_database_url(tmp_path, template=world["database"],
                                 name=f"world-{n}.sqlite3")
    instance = tmp_path / f"instance-{n}"
    shutil.copytree(world["instance"], instance)
    app = make_test_app(url, instance)
    try:
        with app.app_context():
            yield app, app.test_client()
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


@pytest.mark.parametrize("endpoint,method,expected,default", ROWS,
                         ids=[f"{m} {e}" for e, m, _, _ in ROWS])
def test_permission(tmp_path, endpoint, method, expected, default):
    world = _world_template(tmp_path)
    args = world["args"]
    mismatches = []
    copies = 0
    roles = iter(ROLES)
    role = next(roles, None)
    while role is not None:
        # A POST that went through may have changed the world (cancel, remove): the next
        # role gets a fresh copy.
        copies += 1
        with _copy_of_the_world(tmp_path, copies) as (app, client):
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            unknown = set(rule.arguments) - set(args)
            assert not unknown, f"no world value for URL arguments {unknown}"
            with app.test_request_context():
                url = url_for(endpoint, **{k: args[k] for k in rule.arguments})
            changed = False
            while role is not None and not changed:
                sign_in(client, world["users"].get(role))
                response = client.open(url, method=method)
                status = response.status_code
                response.close()
                changed = method == "POST" and status in (200, 303)
                want = expected.get(role, default)
                if status != want:
                    mismatches.append(f"{role}: got {status}, expected {want}")
                role = next(roles, None)
    assert not mismatches, f"{method} {url}\n" + "\n".join(mismatches)
