"""The data of the page benchmark: one camp under way with n registrations, in bulk.

Small objects (the camp, its questions, staff, challenges) go through the ORM; the many rows
(accounts, registrations, consent records, check-in events, teams and members, audit events)
through SQLAlchemy Core bulk inserts, so 5,000 registrations take a few seconds.
"""
from __future__ import annotations

import random
import secrets
import uuid
from datetime import timedelta

SLUG = "bench"

FIRST = ["Anne", "Mette", "Lars", "Søren", "Jens", "Hanne", "Mads", "Line", "Peter", "Ida",
         "Mikkel", "Camilla", "Rasmus", "Louise", "Frederik", "Sofie", "Ahmed", "Fatima",
         "Jørgen", "Birgitte", "Kasper", "Maja", "Thomas", "Nanna", "Ole", "Åse"]
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
        "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
        "Thomsen", "Poulsen", "Johansen", "Møller", "Mortensen", "Østergaard"]
ORGS = ["Roskilde Kommune", "Region Sjælland", "Københavns Kommune", "Ældre Sagen",
        "Røde Kors", "DGI", "Roskilde Universitet", "Novo Nordisk", "Lokalbo A/S",
        "Frivilligcenter Roskilde", "Hjemmeplejen Øst", "Borgerrådet",
        "Danske Handicaporganisationer", "Lundbeck", "KL", "Sundhedsstyrelsen", ""]
DIETS = ["", "", "", "", "Vegetar", "Vegansk", "Glutenfri", "Laktosefri", "Ingen nødder"]
ACCESS = ["", "", "", "", "", "", "Kørestol", "Høreslynge", "Skal sidde tæt på udgang"]
# Roughly the mix the demo and the domain describe: many administrators and frontline
# staff, citizens and service users, fewer politicians and researchers.
ACTOR_WEIGHTS = {"administrator": 22, "frontline": 18, "citizen": 16, "service_user": 8,
                 "civil_society": 12, "business": 10, "researcher": 6, "politician": 5,
                 "other": 3}


def populate(n: int, seed: int = 1) -> dict:
    """Build the camp in the current app context; returns what the page run needs."""
    from sqlalchemy import insert, select

    from camp.audit import AuditEvent, ConsentEvent
    from camp.auth.models import ActorType, User
    from camp.camps.models import (
        Camp,
        CampFormat,
        CampStatus,
        Membership,
        QuestionKind,
        RegistrationQuestion,
        Role,
    )
    from camp.challenges.models import (
        Challenge,
        ChallengeMode,
        ChallengeOwner,
        ChallengeStatus,
        ChallengeValue,
        ValueDimension,
    )
    from camp.checkin.models import CheckinEvent, Device, Direction, ScanResult
    from camp.db import utcnow
    from camp.extensions import db
    from camp.registrations.models import Registration, RegistrationStatus
    from camp.teams.models import Team, TeamMember

    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    start = now - timedelta(hours=3)
    s = db.session

    def user(email, name, org, actor):
        return User(email=email, name=name, organisation=org, actor_type=actor, locale="da",
                    email_confirmed_at=now, session_token=secrets.token_hex(16))

    organiser = user("arrangoer@bench.dk", "Bente Arrangør", "Roskilde Kommune",
                     ActorType.administrator)
    staff = user("frivillig@bench.dk", "Frode Frivillig", "Frivilligcenter Roskilde",
                 ActorType.civil_society)
    owner = user("ejer@bench.dk", "Ulla Udfordring", "Roskilde Kommune",
                 ActorType.administrator)
    capacity = max(1, int(n * 0.9))
    camp = Camp(slug=SLUG, title="Samskabelsescamp om ensomhed", format=CampFormat.camp24,
                description="Et døgn hvor borgere, medarbejdere og politikere arbejder sammen.",
                venue="INSP", address="Bispensgade 1, 4000 Roskilde", starts_at=start,
                ends_at=start + timedelta(hours=24), capacity=capacity,
                registration_opens_at=start - timedelta(days=60),
                registration_closes_at=start - timedelta(days=1),
                status=CampStatus.published, consent_text="Vi gemmer dine oplysninger.")
    s.add_all([organiser, staff, owner, camp])
    s.add_all([Membership(camp=camp, user=organiser, role=Role.organiser),
               Membership(camp=camp, user=staff, role=Role.staff)])
    questions = [
        RegistrationQuestion(camp=camp, position=1, kind=QuestionKind.single,
                             label="Hvilket spor vil du helst arbejde i?",
                             choices=["Ældre", "Unge", "Fællesskaber", "Sundhed"]),
        RegistrationQuestion(camp=camp, position=2, kind=QuestionKind.multiple,
                             label="Hvad kan du bidrage med?",
                             choices=["Erfaring", "Data", "Netværk", "Faglig viden"]),
        RegistrationQuestion(camp=camp, position=3, kind=QuestionKind.yesno,
                             label="Overnatter du på campen?"),
        RegistrationQuestion(camp=camp, position=4, kind=QuestionKind.text,
                             label="Hvad håber du at få ud af campen?"),
    ]
    s.add_all(questions)
    device = Device(camp=camp, name="Indgang A", token_hash=secrets.token_hex(32),
                    created_by_id=None, expires_at=now + timedelta(days=1), last_seen_at=now)
    s.add(device)
    s.flush()

    # People: most registered through an account, some were added by hand.
    actors = list(ACTOR_WEIGHTS)
    weights = list(ACTOR_WEIGHTS.values())
    people = []
    for i in range(n):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        people.append(dict(name=name, email=f"deltager{i}@bench.dk", organisation=rng.choice(ORGS),
                           actor_type=ActorType(rng.choices(actors, weights)[0]),
                           has_account=rng.random() < 0.85))
    user_rows = [dict(email=p["email"], name=p["name"], organisation=p["organisation"],
                      actor_type=p["actor_type"], locale="da", email_confirmed_at=now,
                      session_token=secrets.token_hex(16), created_at=now - timedelta(days=30))
                 for p in people if p["has_account"]]
    if user_rows:
        s.execute(insert(User.__table__), user_rows)
    user_ids = dict(s.execute(select(User.email, User.id).where(
        User.email.like("deltager%@bench.dk"))).all())

    q1, q2, q3, q4 = questions
    reg_rows = []
    for i, p in enumerate(people):
        queued = start - timedelta(days=60) + timedelta(minutes=10 * i)
        if i < capacity:
            status = (RegistrationStatus.cancelled if rng.random() < 0.03
                      else RegistrationStatus.confirmed)
        else:
            status = RegistrationStatus.waitlisted
        answers = {str(q1.id): rng.choice(q1.choices),
                   str(q2.id): rng.sample(q2.choices, rng.randint(1, 3)),
                   str(q3.id): rng.choice(["yes", "no"])}
        if rng.random() < 0.4:
            answers[str(q4.id)] = "At møde nogen fra en anden sektor og lave noget der virker."
        reg_rows.append(dict(
            camp_id=camp.id, user_id=user_ids.get(p["email"]), name=p["name"],
            email=p["email"], organisation=p["organisation"], actor_type=p["actor_type"],
            diet=rng.choice(DIETS), accessibility=rng.choice(ACCESS), answers=answers,
            status=status, queued_at=queued, consent_at=queued, consent_version=1,
            consent_text=camp.consent_text, ticket_secret=secrets.token_urlsafe(16),
            created_at=queued, updated_at=queued,
            confirmed_at=queued if status != RegistrationStatus.waitlisted else None,
            cancelled_at=now - timedelta(days=2) if status == RegistrationStatus.cancelled
            else None))
    s.execute(insert(Registration.__table__), reg_rows)
    regs = s.execute(select(Registration.id, Registration.user_id, Registration.status,
                            Registration.queued_at, Registration.ticket_secret)
                     .where(Registration.camp_id == camp.id).order_by(Registration.id)).all()

    s.execute(insert(ConsentEvent.__table__), [
        dict(user_id=r.user_id, camp_id=camp.id, registration_id=r.id, kind="registration",
             version=1, text=camp.consent_text, at=r.queued_at) for r in regs])

    # The door: about 70% of the confirmed came in during the first hours, a few went out.
    events = []
    confirmed = [r for r in regs if r.status == RegistrationStatus.confirmed]
    for r in confirmed:
        if rng.random() >= 0.7:
            continue
        at = start - timedelta(minutes=30) + timedelta(seconds=rng.randint(0, 3 * 3600))
        events.append(_event(r, camp.id, device.id, Direction.entry, ScanResult.ok, True, at))
        if rng.random() < 0.1:
            events.append(_event(r, camp.id, device.id, Direction.entry,
                                 ScanResult.already_checked_in, False,
                                 at + timedelta(seconds=5)))
        if rng.random() < 0.08:
            events.append(_event(r, camp.id, device.id, Direction.exit, ScanResult.ok, True,
                                 at + timedelta(minutes=rng.randint(20, 120))))
    for r in regs[:: max(1, n // 20)]:
        if r.status != RegistrationStatus.confirmed:
            events.append(_event(r, camp.id, device.id, Direction.entry,
                                 ScanResult(r.status.value), False, start))
    events.sort(key=lambda e: e["at"])
    if events:
        s.execute(insert(CheckinEvent.__table__), events)

    # Challenges and teams: about a third of the confirmed participants with accounts are
    # in a team of 4-6 around one of 6 challenges.
    challenges = []
    for k in range(6):
        ch = Challenge(camp=camp, title=f"Udfordring {k + 1}: færre ensomme ældre",
                       owner_organisation="Roskilde Kommune",
                       owner_actor_type=ActorType.administrator,
                       problem="Mange ældre borgere føler sig ensomme.",
                       mode=ChallengeMode.co_creation, commitment="Vi afprøver prototypen.",
                       status=ChallengeStatus.published, submitted_at=now, decided_at=now,
                       published_at=now, created_by_id=owner.id)
        ch.values.append(ChallengeValue(dimension=ValueDimension.quality,
                                        how_noticed="Færre føler sig ensomme."))
        ch.owners.append(ChallengeOwner(user=owner))
        challenges.append(ch)
    s.add_all(challenges)
    s.flush()
    members = [r.user_id for r in confirmed if r.user_id is not None]
    rng.shuffle(members)
    members = members[: len(confirmed) // 3]
    team_rows, groups, i = [], [], 0
    while i < len(members):
        size = rng.randint(4, 6)
        group = members[i:i + size]
        i += size
        team_rows.append(dict(camp_id=camp.id, challenge_id=challenges[len(groups) % 6].id,
                              name=f"Hold {len(groups) + 1}", pitch="Vi bygger noget sammen.",
                              lead_id=group[0], created_at=now))
        groups.append(group)
    if team_rows:
        s.execute(insert(Team.__table__), team_rows)
        team_ids = s.execute(select(Team.id).where(Team.camp_id == camp.id)
                             .order_by(Team.id)).scalars().all()
        s.execute(insert(TeamMember.__table__), [
            dict(camp_id=camp.id, team_id=tid, user_id=uid, joined_at=now)
            for tid, group in zip(team_ids, groups) for uid in group])

    s.execute(insert(AuditEvent.__table__), [
        dict(actor_id=organiser.id, camp_id=camp.id, action=rng.choice(
            ["registration.cancel", "registration.promote", "camp.edit", "device.create"]),
            object_type="Registration", object_id=r.id, data={}, at=now - timedelta(hours=k))
        for k, r in enumerate(regs[:: max(1, n // 300)])])
    s.commit()
    return {"slug": camp.slug, "organiser_id": organiser.id,
            "organiser_key": organiser.get_id(), "registrations": len(regs),
            "checkin_events": len(events), "teams": len(team_rows),
            "search": people[7]["name"].split()[1]}


def _event(reg, camp_id, device_id, direction, result, admitted, at) -> dict:
    return dict(camp_id=camp_id, registration_id=reg.id, scanned=reg.ticket_secret,
                direction=direction, result=result, admitted=admitted, override_reason="",
                nonce=uuid.uuid4().hex, device_id=device_id, scanned_at=at, at=at)
