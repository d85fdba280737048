"""Erasure covers every table (issue 9).

One person takes part in every feature (registrations with answers, roles, invitations,
teams, join requests, the team board, questions to owners, challenge ownership and
contacts, prototypes, feedback, jury, votes, trials, charters, signatures, consent and audit
logs, check-in). After erase_user, EVERY text and JSON column of EVERY table
(db.metadata.sorted_tables) is scanned for their e-mail address and name: none may remain,
except what ALLOWED lists with its reason.
"""
import io
import json
from datetime import date, timedelta

import sqlalchemy as sa
from PIL import Image
from sqlalchemy import select

from camp.audit import AuditEvent, ConsentEvent, record
from camp.auth.erasure import erase_user
from camp.camps.models import Invitation, RegistrationQuestion, QuestionKind, Role
from camp.db import utcnow
from camp.extensions import db
from tests.factories import add_role, make_camp, make_challenge, make_prototype, \
    make_registration, make_team, make_user

NAME = "Karoline Østergaard-Unik"
EMAIL = "karoline.unik@example.dk"

# (table, column) -> why the person's name or e-mail may stay there. Empty: nothing may.
ALLOWED: dict[tuple[str, str], str] = {}


def _text_columns(table):
    for column in table.columns:
        kind = column.type
        if isinstance(kind, sa.types.TypeDecorator):
            kind = kind.impl if isinstance(kind.impl, sa.types.TypeEngine) else kind.impl()
        if isinstance(kind, (sa.String, sa.Text, sa.JSON)):
            yield column


def find_traces(needles) -> list[str]:
    """Every (table.column, row id) whose value contains one of the needles (any case)."""
    needles = [n.casefold() for n in needles]
    found = []
    for table in db.metadata.sorted_tables:
        columns = list(_text_columns(table))
        if not columns:
            continue
        key = table.primary_key.columns.values()[0] if table.primary_key.columns else None
        picked = columns + ([key] if key is not None else [])
        for row in db.session.execute(select(*picked)).mappings():
            for column in columns:
                value = row[column.name]
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if any(n in text.casefold() for n in needles) and \
                        (table.name, column.name) not in ALLOWED:
                    row_id = row.get(key.name) if key is not None else "?"
                    found.append(f"{table.name}.{column.name} (row {row_id}): {text[:80]!r}")
    return found


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 90, 60)).save(out, format="PNG")
    return out.getvalue()


def build_person_everywhere():
    """The person, with data in every feature; returns (person, others) for the checks."""
    from camp.challenges.models import QuestionRequest
    from camp.charters.models import Charter, CharterComment, CharterEditor, CharterPhase, \
        CharterVersion, Clause, Proposal, ProposalKind, Section, Signature, Stance
    from camp.checkin.models import CheckinEvent, Device, Direction, ScanResult
    from camp.judging.models import Criterion, JuryAssignment, Score, Vote
    from camp.privacy.consent import log_registration, log_signup
    from camp.prototypes.files import add as add_prototype_file
    from camp.prototypes.models import Feedback
    from camp.teams.models import JoinRequest, Seeker
    from camp.trials.models import CommitmentRevision, EvaluationAnswer, EvaluationRound, \
        Follower, Milestone, Party, PartyRole, Recommendation, Review, Trial, TrialStatus, \
        TrialUpdate

    person = make_user(name=NAME, email=EMAIL, organisation="Foreningen Unik")
    organiser, friend, owner, editor = make_user(), make_user(), make_user(), make_user()
    log_signup(person)
    ahead = make_camp(organiser=organiser)
    past = make_camp(organiser=organiser, starts_at=utcnow() - timedelta(days=40),
                     ends_at=utcnow() - timedelta(days=39))
    helped = make_camp(organiser=organiser)  # the person co-organises this one
    add_role(person, helped, Role.organiser)
    add_role(person, ahead, Role.staff)
    add_role(person, ahead, Role.jury)
    question = RegistrationQuestion(camp=ahead, kind=QuestionKind.text, label="Hvorfor?")
    db.session.add(question)
    db.session.flush()
    reg = make_registration(ahead, person, diet="vegetar", accessibility="kørestol",
                            answers={str(question.id): f"Jeg er {NAME}"})
    log_registration(reg)
    make_registration(past, person)
    # An organiser typed the address in by hand before the person had an account.
    make_registration(helped, None, email=EMAIL, name=NAME, organisation="Foreningen Unik")
    db.session.add_all([
        Invitation(camp=ahead, email=EMAIL, role=Role.staff, invited_by_id=organiser.id),
        Invitation(camp=helped, email=EMAIL, role=Role.organiser, invited_by_id=organiser.id,
                   accepted_at=utcnow(), accepted_by_id=person.id)])
    # Challenges: the person owns one and is named in another's contact people.
    owned = make_challenge(ahead, person, contacts=f"{NAME}, {EMAIL}\nSekretariatet, 4646 4646")
    other = make_challenge(ahead, owner,
                           contacts=f"Spørg {NAME} på {EMAIL.upper()}\nEjeren, 1234 5678")
    team = make_team(ahead, other, lead=person, members=[friend])
    second = make_team(ahead, owned, lead=owner)
    make_registration(ahead, friend)
    db.session.add_all([
        JoinRequest(camp_id=ahead.id, team=second, user_id=person.id,
                    message=f"Hej, det er {NAME}"),
        Seeker(camp_id=ahead.id, user_id=person.id, interests="ældre", skills="design"),
        Seeker(camp_id=ahead.id, user_id=friend.id, together_with_id=person.id),
        QuestionRequest(camp_id=ahead.id, challenge=other, team=team, text="Må vi ringe?",
                        asked_by_id=person.id)])
    db.session.commit()
    prototype = make_prototype(team)  # revision 1 submitted by the person (the lead)
    add_prototype_file(person, prototype, _png(), "skitse.png")
    db.session.add(Feedback(prototype_id=prototype.id, author_id=person.id,
                            body="Tak for feedback."))
    criterion = Criterion(camp_id=ahead.id, name="Værdi", weight=1, scale_max=5)
    other_prototype = make_prototype(second)
    assignment = JuryAssignment(camp_id=ahead.id, juror_id=person.id,
                                prototype_id=other_prototype.id, comment="Stærk idé.",
                                scored_at=utcnow())
    db.session.add_all([criterion, assignment])
    db.session.flush()
    db.session.add_all([Score(assignment_id=assignment.id, criterion_id=criterion.id, value=4),
                        Vote(camp_id=ahead.id, voter_id=person.id,
                             prototype_id=other_prototype.id)])
    # Check-in: the person scanned someone in (as staff) and was scanned in.
    device = Device(camp_id=ahead.id, name="Dør 1", token_hash="x" * 64,
                    expires_at=utcnow() + timedelta(days=1),
                    created_by_id=person.id)
    db.session.add(device)
    db.session.flush()
    db.session.add_all([
        CheckinEvent(camp_id=ahead.id, registration_id=reg.id, scanned=reg.ticket_secret,
                     direction=Direction.entry, result=ScanResult.ok, admitted=True,
                     nonce="nonce-0001-person", user_id=organiser.id),
        CheckinEvent(camp_id=ahead.id, registration_id=None, scanned="ukendt",
                     direction=Direction.entry, result=ScanResult.unknown_ticket,
                     nonce="nonce-0002-person", user_id=person.id, device_id=device.id)])
    record("team.join", actor=person, camp=ahead, obj=team)
    # Trials: the person is a party's contact, wrote an update, answered an evaluation...
    trial = Trial(camp_id=ahead.id, challenge_id=other.id, title="Besøgsven",
                  status=TrialStatus.running, created_by_id=person.id,
                  starts_on=date.today())
    db.session.add(trial)
    db.session.flush()
    party = Party(trial_id=trial.id, organisation="Foreningen Unik", contact_name=NAME,
                  contact_email=EMAIL, user_id=person.id, role=PartyRole.citizen_group,
                  commitment="Ti frivillige.", agreed_at=utcnow(), agreed_by_id=person.id)
    early = Party(trial_id=trial.id, organisation="Naboforeningen", contact_name=NAME,
                  contact_email=EMAIL.upper(), role=PartyRole.partner)  # before sign-up
    db.session.add_all([party, early])
    db.session.flush()
    rnd = EvaluationRound(trial_id=trial.id, title="Midtvejs", created_by_id=person.id)
    db.session.add(rnd)
    db.session.flush()
    db.session.add_all([
        CommitmentRevision(party_id=party.id, number=1, commitment="Ti frivillige.",
                           changed_by_id=person.id),
        Milestone(trial_id=trial.id, title="Første besøg", due_on=date.today(),
                  done_at=utcnow(), done_by_id=person.id),
        Review(trial_id=trial.id, due_on=date.today(), held_at=utcnow(),
               held_by_id=person.id, note="Godt i gang."),
        TrialUpdate(trial_id=trial.id, author_id=person.id, body="Vi er i gang."),
        Follower(trial_id=trial.id, user_id=person.id, unsubscribe_token="tok-person-1"),
        EvaluationAnswer(round_id=rnd.id, party_id=party.id, values={"quality": 4},
                         collaboration={"trust": 3}, recommendation=Recommendation.adapt,
                         comment="Fint.", answered_by_id=person.id)])
    # Charters: editor, proposal (accepted into a version), comment, stance, signatures.
    charter = Charter(slug="charter-unik", camp_id=ahead.id, title="Charter",
                      phase=CharterPhase.consultation, created_by_id=person.id)
    section = Section(charter=charter, position=1, title="Principper")
    db.session.add_all([charter, section])
    db.session.flush()
    clause = Clause(charter_id=charter.id, section_id=section.id, position=1, text="Lige.")
    db.session.add_all([clause, CharterEditor(charter_id=charter.id, user_id=person.id)])
    db.session.flush()
    proposal = Proposal(charter_id=charter.id, kind=ProposalKind.replace, clause_id=clause.id,
                        text="Ligeværdige.", rationale="Klarere.", base_text="Lige.",
                        author_id=person.id)
    db.session.add(proposal)
    db.session.flush()
    db.session.add_all([
        CharterComment(charter_id=charter.id, proposal_id=proposal.id, body="Enig.",
                       author_id=person.id),
        Stance(proposal_id=proposal.id, user_id=person.id, value=1),
        CharterVersion(charter_id=charter.id, number=1, snapshot={}, created_by_id=editor.id,
                       changelog=[{"kind": "replace", "proposal_id": proposal.id,
                                   "clause": "1.1", "author": NAME,
                                   "decided_by": editor.name, "summary": "x"}]),
        CharterVersion(charter_id=charter.id, number=2, snapshot={}, created_by_id=person.id,
                       changelog=[{"kind": "edit", "proposal_id": None, "clause": None,
                                   "author": NAME, "decided_by": NAME, "summary": "y"}])])
    final = Charter(slug="charter-final", title="Nationalt", phase=CharterPhase.final)
    db.session.add(final)
    db.session.flush()
    version = CharterVersion(charter_id=final.id, number=1, snapshot={}, is_final=True,
                             final_at=utcnow())
    db.session.add(version)
    db.session.flush()
    signature = Signature(charter_id=final.id, version_id=version.id,
                          organisation="Foreningen Unik", organisation_key="foreningen unik",
                          signer_name=NAME, signer_title="Formand", email=EMAIL,
                          user_id=person.id, confirmed_at=utcnow())
    pending = Signature(charter_id=final.id, version_id=version.id, organisation="Klubben",
                        organisation_key="klubben", signer_name=NAME, email=EMAIL,
                        token_hash="p" * 64)
    db.session.add_all([signature, pending])
    db.session.commit()
    return person, {"organiser": organiser, "friend": friend, "team": team,
                    "owned": owned, "other": other, "signature": signature, "party": party,
                    "early": early, "assignment": assignment}


def test_the_scan_finds_the_person_before_erasure(app):
    """The scan can fail: before erasure it finds the person in many tables."""
    build_person_everywhere()
    tables = {trace.split(".")[0] for trace in find_traces([NAME, EMAIL])}
    assert {"users", "registrations", "invitations", "challenges", "join_requests",
            "trial_parties", "charter_versions", "charter_signatures"} <= tables, tables


def test_erasure_leaves_no_trace_in_any_table(app):
    person, others = build_person_everywhere()
    admin = make_user(is_admin=True)
    erase_user(person, by=admin, reason="Bad om det i en e-mail")
    db.session.commit()
    db.session.expire_all()

    assert find_traces([NAME, EMAIL]) == []

    # What belongs to others stays: the team and its other member, the other contact
    # lines, the organisation's confirmed signature, the party and its commitment, scores.
    from camp.charters.models import Signature
    from camp.judging.models import Score
    from camp.teams.models import TeamMember
    team = others["team"]
    assert [m.user_id for m in db.session.execute(
        select(TeamMember).where(TeamMember.team_id == team.id)).scalars()] == \
        [others["friend"].id]
    assert team.lead_id == others["friend"].id
    assert others["owned"].contacts == "Sekretariatet, 4646 4646"
    assert others["other"].contacts == "Ejeren, 1234 5678"
    signature = others["signature"]
    assert signature.confirmed_at is not None and signature.withdrawn_at is None
    assert signature.organisation == "Foreningen Unik" and signature.user_id is None
    assert db.session.execute(select(sa.func.count()).select_from(Signature)).scalar() == 1
    assert others["party"].commitment == "Ti frivillige." and others["party"].user_id is None
    assert others["early"].contact_email == ""
    assert db.session.execute(select(Score.value)).scalars().all() == [4]
    # The account is anonymous, signed out everywhere, and the erasure is logged.
    assert person.deleted_at is not None and person.password_hash is None
    assert person.organisation == "" and not person.is_admin
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "account.erase")).scalar_one()
    assert event.actor_id == admin.id and event.object_id == person.id
    assert event.data == {"by_admin": True, "reason": "Bad om det i en e-mail"}
    kinds = db.session.execute(select(ConsentEvent.kind).where(
        ConsentEvent.user_id == person.id)).scalars().all()
    assert "withdrawn" in kinds


def test_self_service_deletion_uses_the_same_erasure(app):
    from camp.auth.services import delete_account
    from tests.factories import PASSWORD
    person, _others = build_person_everywhere()
    delete_account(person, PASSWORD)
    db.session.commit()
    assert find_traces([NAME, EMAIL]) == []
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "account.erase")).scalar_one()
    assert event.actor_id == person.id and event.data["by_admin"] is False



def test_an_unconfirmed_address_erases_nothing_found_by_address(app):
    """Someone signs up with another person's address and never confirms it: erasing that
    account must not touch what was made for the address (registration typed in by an
    organiser, a signature, a trial contact, a pending invitation, contact lines)."""
    from camp.charters.models import Charter, CharterPhase, CharterVersion, Signature
    from camp.trials.models import Party, PartyRole, Trial
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    reg = make_registration(camp, None, email=EMAIL, name=NAME)
    challenge = make_challenge(camp, organiser, contacts=f"{NAME}, {EMAIL}")
    trial = Trial(camp_id=camp.id, challenge_id=challenge.id, title="Forsøg")
    final = Charter(slug="c-final", title="Charter", phase=CharterPhase.final)
    db.session.add_all([trial, final, Invitation(camp=camp, email=EMAIL, role=Role.staff)])
    db.session.flush()
    version = CharterVersion(charter_id=final.id, number=1, snapshot={}, is_final=True)
    db.session.add(version)
    db.session.flush()
    db.session.add_all([
        Party(trial_id=trial.id, organisation="Forening", contact_name=NAME,
              contact_email=EMAIL, role=PartyRole.partner),
        Signature(charter_id=final.id, version_id=version.id, organisation="Forening",
                  organisation_key="forening", signer_name=NAME, email=EMAIL,
                  confirmed_at=utcnow())])
    db.session.commit()
    claimant = make_user(name="Ukendt", email=EMAIL.upper(), email_confirmed_at=None)
    before = sorted(find_traces([EMAIL]))

    erase_user(claimant)
    db.session.commit()

    assert reg.name == NAME and reg.status.value == "confirmed"
    assert challenge.contacts == f"{NAME}, {EMAIL}"
    # Only the claimant's own account row no longer holds the address.
    assert sorted(find_traces([EMAIL])) == [t for t in before if not t.startswith("users.")]
