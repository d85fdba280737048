"""A realistic Danish demo: `flask camp seed-demo`, and the log-ins it prints."""
from __future__ import annotations

import functools
import random
from datetime import datetime, timedelta, timezone

import click
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from camp.auth import services as accounts
from camp.auth.models import ActorType, User
from camp.camps import services as camps
from camp.camps.models import Camp, CampFormat, CampStatus, Membership, Role
from camp.checkin.devices import create_device
from camp.checkin.models import CheckinEvent, Direction, ScanResult
from camp.extensions import db
from camp.registrations import services as registrations
from camp.registrations.models import Registration, RegistrationStatus

DEMO_SLUG = "samskabelsescamp-2027"
DEMO_PASSWORD = "samskab-demo-2027"
LOGINS = [
    ("admin@samskab.dk", "Administrator", "Anne Admin", True),
    ("organisator@samskab.dk", "Arrangør", "Ole Organisator", False),
    ("medarrangor@samskab.dk", "Medarrangør", "Mette Medarrangør", False),
    ("frivillig@samskab.dk", "Check-in", "Frederik Frivillig", False),
    ("frivillig2@samskab.dk", "Check-in", "Fatima Frivillig", False),
    ("jury@samskab.dk", "Jury", "Jens Jury", False),
    ("deltager@samskab.dk", "Deltager", "Dorthe Deltager", False),
    ("problemejer@samskab.dk", "Problemejer", "Pia Problemejer", False),
]
# Challenge owners besides the demo log-in: a municipality and a citizen group.
OWNERS = [("rikke.raadgiver@roskilde.example.dk", "Rikke Rådgiver", "Roskilde Kommune",
           ActorType.administrator),
          ("yasmin.unge@example.dk", "Yasmin Holm", "Borgergruppen Unge i Roskilde",
           ActorType.citizen)]
FIRST = ["Anders", "Birgitte", "Carsten", "Dorte", "Emil", "Freja", "Gustav", "Hanne", "Ida",
         "Jakob", "Karen", "Lars", "Maja", "Niels", "Oliver", "Pernille", "Rasmus", "Sofie",
         "Thomas", "Ulla", "Vibeke", "William", "Yasmin", "Zainab", "Ahmad", "Søren", "Åse",
         "Mikkel", "Nanna", "Jonas"]
LAST = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
        "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
        "Thomsen", "Møller", "Poulsen", "Johansen", "Knudsen", "Mortensen", "Ali", "Holm"]
ORGS = [
    ("Roskilde Kommune", ActorType.administrator), ("Roskilde Kommune", ActorType.frontline),
    ("Roskilde Kommune", ActorType.politician), ("Aarhus Kommune", ActorType.administrator),
    ("Assens Kommune", ActorType.administrator), ("Skanderborg Kommune", ActorType.frontline),
    ("KL", ActorType.administrator), ("Boligselskabet 3B", ActorType.civil_society),
    ("Røde Kors", ActorType.civil_society), ("DM – Dansk Magisterforening",
                                              ActorType.civil_society),
    ("Roskilde Universitet", ActorType.researcher), ("Aalborg Universitet",
                                                     ActorType.researcher),
    ("Dansk Samskabelse ApS", ActorType.business), ("Social-Digital A/S", ActorType.business),
    ("", ActorType.citizen), ("", ActorType.citizen), ("", ActorType.service_user),
]
CONSENT = ("Vi bruger dine oplysninger til at planlægge campen: navneskilt, holddannelse, "
           "forplejning og hensyn til dine behov. Arrangørerne kan se dine svar. Vi sletter "
           "oplysningerne senest et år efter campen, undtagen anonyme tal om deltagerne.")
DESCRIPTION = """Den nationale samskabelsescamp samler kommuner, borgere, foreninger, \
virksomheder og forskere i 24 timer om **virkelige problemer** i den offentlige sektor.

- Problemejere præsenterer deres udfordringer
- Tværgående hold udvikler prototyper natten igennem
- Prototyperne afprøves bagefter i praksis

Campen tager også første skridt mod et fælles **samskabelsescharter**."""


@functools.cache
def _demo_hash() -> str:
    # Hashing is slow on purpose; the demo's 67 people share one password.
    return generate_password_hash(DEMO_PASSWORD)


def _user(email, name, organisation="", actor=ActorType.other, admin=False) -> User:
    user = accounts.create_user(email=email, name=name, password=None,
                                organisation=organisation, actor_type=actor, is_admin=admin,
                                confirmed=True)
    user.password_hash = _demo_hash()
    return user


def _at(year, month, day, hour, minute=0) -> datetime:
    from zoneinfo import ZoneInfo
    local = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Copenhagen"))
    return local.astimezone(timezone.utc)


def seed_demo() -> Camp:
    rng = random.Random(2027)
    people = {email: _user(email, name, "Samskab" if role != "Deltager" else "Roskilde Kommune",
                           ActorType.administrator, admin)
              for email, role, name, admin in LOGINS}
    owner = people["problemejer@samskab.dk"]
    owner.organisation, owner.actor_type = "Boligselskabet 3B", ActorType.civil_society
    organiser = people["organisator@samskab.dk"]
    year = datetime.now(timezone.utc).year + 1
    camp = camps.create_camp(organiser, camps.CampData(
        title=f"Samskabelsescamp {year}", slug=DEMO_SLUG, starts_at=_at(year, 9, 29, 10),
        ends_at=_at(year, 9, 30, 10), capacity=50, venue="INSP",
        address="Bispensgade 1, 4000 Roskilde", description=DESCRIPTION, consent_text=CONSENT,
        registration_closes_at=_at(year, 9, 27, 12)), CampFormat.camp24)
    camp.status = CampStatus.published
    for email, role in (("medarrangor@samskab.dk", Role.organiser),
                        ("frivillig@samskab.dk", Role.staff),
                        ("frivillig2@samskab.dk", Role.staff), ("jury@samskab.dk", Role.jury)):
        db.session.add(Membership(camp=camp, user=people[email], role=role))
    db.session.commit()

    participants = [people["deltager@samskab.dk"]]
    used = set()
    while len(participants) < 60:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if (first, last) in used:
            continue
        used.add((first, last))
        org, actor = rng.choice(ORGS)
        email = f"{first}.{last}".lower().translate(str.maketrans("æøå", "eoa")) + "@example.dk"
        participants.append(_user(email, f"{first} {last}", org, actor))
    db.session.commit()
    themes = camp.questions[1].choices if len(camp.questions) > 1 else []
    for user in participants:
        answers = {str(camp.questions[0].id): rng.choice(["yes", "no"])}
        if themes:
            answers[str(camp.questions[1].id)] = rng.choice(themes)
        registrations.register(camp, user, registrations.RegistrationData(
            name=user.name, email=user.email, organisation=user.organisation,
            actor_type=user.actor_type, answers=answers, consent=True,
            diet=rng.choice(["", "", "", "vegetar", "glutenfri", "halal"]),
            accessibility=rng.choice(["", "", "", "", "trinfri adgang"])))
        db.session.commit()

    past = camps.create_camp(organiser, camps.CampData(
        title="Folkemødet: samskabelse om integration", slug="folkemoedet-integration",
        starts_at=_at(year - 2, 6, 12, 10), ends_at=_at(year - 2, 6, 14, 18), capacity=40,
        venue="Samskabelsesteltet", address="Allinge Havn, 3770 Allinge",
        description="Boligselskabet 3B og Assens og Skanderborg kommuner bragte konkrete "
                    "problemer om integration af flygtninge til Folkemødet.",
        consent_text=CONSENT), CampFormat.sprint)
    past.status = CampStatus.archived
    db.session.commit()
    _past_door(past, participants[1:31], rng)
    create_device(organiser, camp, "Dør 1 (indgangen)", 24 * 14)
    db.session.commit()
    from camp.demo_teams import seed_challenges_and_teams
    seed_challenges_and_teams(camp, [owner] + [_user(*spec) for spec in OWNERS], rng)
    from camp.demo_prototypes import seed_sprint_prototypes
    seed_sprint_prototypes(past, participants[1:31], [owner, _user(
        "soeren.skanderborg@example.dk", "Søren Skov", "Skanderborg Kommune",
        ActorType.administrator)])
    from camp.demo_judging import seed_sprint_judging
    seed_sprint_judging(past, organiser, [people["jury@samskab.dk"], _user(
        "karen.juul@example.dk", "Karen Juul", "Roskilde Universitet", ActorType.researcher),
        _user("omar.haddad@example.dk", "Omar Haddad", "KL", ActorType.administrator)],
        participants[1:31], rng)
    from camp.demo_trials import seed_sprint_trials
    seed_sprint_trials(past, participants)
    from camp.demo_charters import seed_charters
    seed_charters(camp, organiser, participants)
    return camp


def _past_door(camp, people, rng) -> None:
    """The sprint's check-in log: people drifting in and out of the tent over three days."""
    device, _token = create_device(None, camp, "Teltet", 72)
    for user in people:
        reg = Registration(camp_id=camp.id, user_id=user.id, name=user.name, email=user.email,
                           organisation=user.organisation, actor_type=user.actor_type,
                           status=RegistrationStatus.confirmed, confirmed_at=camp.starts_at,
                           consent_at=camp.starts_at, consent_version=1,
                           consent_text=camp.consent_text)
        db.session.add(reg)
        db.session.flush()
        for day in range(3):
            if rng.random() < 0.3:
                continue
            arrive = camp.starts_at + timedelta(days=day, minutes=rng.randrange(0, 240))
            leave = arrive + timedelta(minutes=rng.randrange(60, 300))
            for direction, at in ((Direction.entry, arrive), (Direction.exit, leave)):
                db.session.add(CheckinEvent(
                    camp_id=camp.id, registration_id=reg.id, scanned=reg.ticket_secret,
                    direction=direction, result=ScanResult.ok, admitted=True,
                    nonce=f"demo-{reg.id}-{day}-{direction.value}", device_id=device.id,
                    scanned_at=at, at=at))
    db.session.commit()


def register_demo_commands(group) -> None:
    @group.command("seed-demo")
    def seed_demo_command():
        """Create the Danish demo camp with people, programme and a waiting list."""
        if camps.camp_by_slug(DEMO_SLUG) is not None:
            click.echo("The demo camp exists already; nothing to do.")
            return
        camp = seed_demo()
        counts = registrations.status_counts(camp.id)
        click.echo(f"Demo camp '{camp.title}' created: {sum(counts.values())} registrations.")
        print_logins()

    @group.command("has-camps")
    def has_camps():
        """Print yes or no: is there any camp yet (scripts/run seeds when not)."""
        click.echo("yes" if db.session.execute(select(Camp.id).limit(1)).first() else "no")

    @group.command("demo-logins")
    def demo_logins():
        """Print the demo log-ins."""
        if db.session.execute(select(User.id).where(User.email == LOGINS[0][0])).first():
            print_logins()


def print_logins() -> None:
    click.echo(f"\nDemo log-ins (password for all: {DEMO_PASSWORD})")
    for email, role, _name, _admin in LOGINS:
        click.echo(f"  {role:<14} {email}")
