"""The demo's challenges, teams, board and the teams' questions to the owners."""
from __future__ import annotations

from datetime import timedelta

from camp.auth.models import ActorType, User
from camp.camps.models import Camp
from camp.challenges.models import Challenge, ChallengeMode, ChallengeOwner, \
    ChallengeResource, ChallengeStatus, ChallengeValue, QuestionRequest, RequestKind, \
    RequestStatus, ResourceKind, ValueDimension
from camp.db import utcnow
from camp.extensions import db
from camp.registrations.models import Registration, RegistrationStatus
from camp.teams.models import JoinRequest, Seeker, Team, TeamMember

CHALLENGES = [
    dict(
        title="Integration af flygtninge i et boligområde",
        owner_organisation="Boligselskabet 3B", owner_actor_type=ActorType.civil_society,
        mode=ChallengeMode.co_production,
        problem="Nyankomne flygtningefamilier i vores afdelinger bliver boende i årevis uden "
                "at kende naboerne. Beboerdemokratiet når dem ikke, og kommunens tilbud "
                "ligger langt fra boligområdet.",
        context="Tre afdelinger med 1.400 lejemål. Et beboerhus, der står tomt de fleste "
                "aftener. Assens og Skanderborg kommuner har lignende erfaringer.",
        affected="Flygtningefamilier, deres naboer, boligsociale medarbejdere og "
                 "kommunens integrationsteam.",
        owner_role="Vi ejer problemet og stiller lokaler og boligsociale medarbejdere til "
                   "rådighed. Vi leder ikke processen: vi vil gerne lære af de andre.",
        expectations="At kommunen deltager med sagsbehandlere, og at beboere selv er med "
                     "til at forme løsningen.",
        commitment="Vi afprøver den bedste prototype i én afdeling inden for tre måneder og "
                   "evaluerer den sammen med beboerne.",
        contacts="Pia Problemejer, boligsocial leder, pia@3b.example.dk",
        values=[(ValueDimension.democracy, "Flere nyankomne deltager i afdelingsmøder."),
                (ValueDimension.quality, "Familierne kender mindst tre naboer efter et år.")],
        resources=[(ResourceKind.rooms, "Beboerhuset på Tingbjerg Allé, alle aftener."),
                   (ResourceKind.people, "To boligsociale medarbejdere, 10 timer om ugen."),
                   (ResourceKind.data, "Anonymiserede tal om fraflytning og deltagelse.")]),
    dict(
        title="Ensomhed blandt ældre borgere",
        owner_organisation="Roskilde Kommune", owner_actor_type=ActorType.administrator,
        mode=ChallengeMode.co_creation,
        problem="Hver tiende borger over 75 føler sig ofte ensom. Hjemmeplejen ser det, "
                "men har ikke tid til at gøre noget ved det.",
        context="Kommunens ældrepolitik lover færre ensomme ældre. Frivillige foreninger "
                "har besøgsvenner, men når ikke dem, der ikke selv beder om hjælp.",
        affected="Ældre borgere, pårørende, hjemmeplejen og de frivillige foreninger.",
        owner_role="Definerende: vi sætter rammen og målet og træffer beslutningen om en "
                   "afprøvning. Røde Kors faciliterer.",
        expectations="At frivillige og hjemmeplejen udvikler løsningen sammen med de ældre.",
        commitment="Ældre- og sundhedsudvalget får de tre bedste prototyper forelagt, og vi "
                    "afprøver mindst én i to lokalområder i foråret.",
        contacts="Ole Organisator (projektleder), Roskilde Kommune",
        values=[(ValueDimension.quality, "Færre ældre svarer 'ofte ensom' i "
                                         "trivselsmålingen."),
                (ValueDimension.efficiency, "Hjemmeplejen bruger ikke mere tid end i dag.")],
        resources=[(ResourceKind.people, "Adgang til hjemmeplejen og en ældrekonsulent."),
                   (ResourceKind.budget, "150.000 kr. til en afprøvning."),
                   (ResourceKind.decisions, "Udvalget beslutter om afprøvning i marts.")]),
    dict(
        title="Unge uden uddannelse eller job",
        owner_organisation="Borgergruppen Unge i Roskilde",
        owner_actor_type=ActorType.citizen, mode=ChallengeMode.co_creation,
        problem="Vi er en gruppe unge og forældre, der oplever, at jobcentret taler om os "
                "og ikke med os. Mange af vores venner er faldet ud af uddannelse.",
        context="Borgerdrevet: vi har selv taget initiativet. Kommunen har tilbudt at "
                "støtte med viden og lokaler, når vi spørger.",
        affected="Unge mellem 16 og 25 uden uddannelse eller job, og deres familier.",
        owner_role="Vi ejer problemet og inviterer kommunen ind som støtte, ikke som leder.",
        expectations="At jobcentret og uddannelsesvejledningen lytter og svarer hurtigt.",
        commitment="Vi mødes hver måned efter campen og viser prototypen for "
                   "beskæftigelsesudvalget.",
        contacts="Yasmin og Rasmus, unge.roskilde@example.dk",
        values=[(ValueDimension.democracy, "Unge sidder med, når tilbud bliver lavet om."),
                (ValueDimension.other, "Flere unge i gang med uddannelse efter et år.")],
        resources=[(ResourceKind.people, "Tolv unge, der vil fortælle og teste.")]),
]
WAITING = dict(
    title="Mindre papirarbejde for plejefamilier", owner_organisation="Roskilde Kommune",
    owner_actor_type=ActorType.administrator, mode=ChallengeMode.co_creation,
    problem="Plejefamilier bruger mange timer på indberetninger, der ikke bruges.",
    commitment="Vi afprøver en prototype med ti plejefamilier og deler den i KL's netværk.",
    values=[(ValueDimension.efficiency, "Halvt så mange timer på indberetning.")],
    resources=[])
TEAMS = [
    (0, "Naboskab", "Et nabo-makkerskab mellem nye og gamle beboere, startet i beboerhuset."),
    (0, "Fællesspisning+", "Fællesspisning, hvor nye beboere laver maden og inviterer."),
    (1, "Kaffe på trappen", "Hjemmeplejen tilbyder en frivillig besøgsven ved hvert besøg."),
    (2, "Ung-til-ung", "Unge, der er kommet i uddannelse, hjælper andre videre."),
]


def _challenge(camp: Camp, spec: dict, owner: User, status: ChallengeStatus) -> Challenge:
    spec = dict(spec)
    values, resources = spec.pop("values"), spec.pop("resources")
    now = utcnow()
    challenge = Challenge(camp_id=camp.id, status=status, created_by_id=owner.id,
                          submitted_at=now - timedelta(days=20), **spec)
    if status in (ChallengeStatus.accepted, ChallengeStatus.published):
        challenge.decided_at = now - timedelta(days=18)
    if status == ChallengeStatus.published:
        challenge.published_at = now - timedelta(days=18)
    challenge.owners.append(ChallengeOwner(user_id=owner.id))
    challenge.values.extend(ChallengeValue(dimension=d, how_noticed=h) for d, h in values)
    challenge.resources.extend(ChallengeResource(kind=k, description=t) for k, t in resources)
    db.session.add(challenge)
    return challenge


def seed_challenges_and_teams(camp: Camp, owners: list[User], rng) -> None:
    """Three published challenges, one awaiting moderation, four teams and a board."""
    challenges = [_challenge(camp, spec, owners[i % len(owners)], ChallengeStatus.published)
                  for i, spec in enumerate(CHALLENGES)]
    _challenge(camp, WAITING, owners[1 % len(owners)], ChallengeStatus.submitted)
    db.session.flush()
    people = db.session.execute(
        db.select(User).join(Registration, Registration.user_id == User.id)
        .where(Registration.camp_id == camp.id,
               Registration.status == RegistrationStatus.confirmed)
        .order_by(Registration.id)).scalars().all()
    pool = people[1:]  # the demo participant (first) stays free to try joining
    rng.shuffle(pool)
    teams, taken = [], 0
    for index, (challenge_index, name, pitch) in enumerate(TEAMS):
        members = pool[taken:taken + 4 + index % 2]
        taken += len(members)
        team = Team(camp_id=camp.id, challenge=challenges[challenge_index], name=name,
                    pitch=pitch, lead_id=members[0].id)
        team.members.extend(TeamMember(camp_id=camp.id, user_id=u.id) for u in members)
        db.session.add(team)
        teams.append(team)
    seekers = pool[taken:taken + 12]
    for i, user in enumerate(seekers):
        prefs = [c.id for c in rng.sample(challenges, k=min(3, 1 + i % 3))]
        db.session.add(Seeker(camp_id=camp.id, user_id=user.id, preferences=prefs,
                              interests=rng.choice(["Boligsocialt arbejde", "Ældre og "
                                                    "frivillighed", "Unge og uddannelse",
                                                    "Digitale løsninger"]),
                              skills=rng.choice(["Facilitering", "Grafisk design",
                                                 "Jura", "Data og statistik",
                                                 "Borgerinddragelse"]),
                              together_with_id=seekers[i - 1].id if i % 5 == 1 else None))
    db.session.flush()
    db.session.add(JoinRequest(camp_id=camp.id, team=teams[2], user_id=seekers[0].id,
                               message="Jeg er hjemmehjælper og vil gerne være med."))
    _requests(camp, teams)
    db.session.commit()


def _requests(camp: Camp, teams: list[Team]) -> None:
    """Answered requests with varied response times, and two still waiting."""
    now = utcnow()
    asked = [
        (teams[0], RequestKind.resource, "Kan vi låne beboerhuset en aften til en test?",
         timedelta(hours=3), timedelta(minutes=12), "Ja, torsdag fra kl. 17."),
        (teams[2], RequestKind.question, "Kan vi tale med en hjemmehjælper i aften?",
         timedelta(hours=2), timedelta(minutes=25), "Gitte fra hjemmeplejen kommer kl. 20."),
        (teams[2], RequestKind.resource, "Har I tal på, hvor mange der får besøg af en "
         "besøgsven?", timedelta(minutes=50), None, ""),
        (teams[3], RequestKind.question, "Må vi bruge jeres ledighedstal for unge?",
         timedelta(minutes=35), None, ""),
        (teams[1], RequestKind.resource, "Har I et budget til råvarer?",
         timedelta(hours=4), timedelta(minutes=90), ""),
    ]
    for team, kind, text, ago, took, answer in asked:
        owner_id = team.challenge.owners[0].user_id
        request = QuestionRequest(camp_id=camp.id, challenge_id=team.challenge_id,
                                  team_id=team.id, kind=kind, text=text,
                                  asked_by_id=team.lead_id, created_at=now - ago)
        if took is not None:
            request.answered_at = request.created_at + took
            request.answered_by_id = owner_id
            request.status = RequestStatus.answered if answer else RequestStatus.declined
            request.answer = answer or "Nej, desværre: budgettet er brugt til i år."
        db.session.add(request)
