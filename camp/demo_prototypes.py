"""The past Folkemøde sprint's challenges, teams, submitted prototypes and owner feedback."""
from __future__ import annotations

from datetime import timedelta

from camp.auth.models import ActorType, User
from camp.camps.models import Camp
from camp.challenges.models import Challenge, ChallengeMode, ChallengeOwner, \
    ChallengeStatus, ChallengeValue, ValueDimension
from camp.extensions import db
from camp.prototypes.models import REVISED_FIELDS, Feedback, Prototype, PrototypeRevision, \
    PrototypeStatus
from camp.teams.models import Team, TeamMember

CHALLENGES = [
    ("Nye naboer i Vestergården", "Boligselskabet 3B", ActorType.civil_society,
     ChallengeMode.co_production,
     "Flygtningefamilier flytter ind, men bliver ikke en del af fællesskabet.",
     [(ValueDimension.democracy, "Flere nye beboere i beboerdemokratiet."),
      (ValueDimension.quality, "Familierne kender deres naboer.")]),
    ("Fra sprogskole til arbejdsplads", "Skanderborg Kommune", ActorType.administrator,
     ChallengeMode.co_creation,
     "Flygtninge venter for længe på det første job, selv om virksomhederne mangler folk.",
     [(ValueDimension.efficiency, "Kortere tid fra ankomst til første job."),
      (ValueDimension.quality, "Flere bliver i jobbet efter et år.")]),
]
PROTOTYPES = [
    (0, "Velkomstvenner", "Hver ny familie får en nabo som velkomstven det første år.",
     "Nye familier kender ingen og ved ikke, hvem de kan spørge.",
     "En nabo melder sig som velkomstven og tager familien med til fællesspisning, "
     "afdelingsmøde og loppemarked det første år.",
     "Nye familier, naboerne og afdelingsbestyrelsen.",
     "En koordinator 5 timer om ugen, beboerhuset en aften om måneden.",
     "Afprøve i Vestergården i seks måneder med ti familier."),
    (1, "Praktik fra dag ét", "Sprogundervisning på arbejdspladsen fra første uge.",
     "Sprogskolen og jobbet ligger hver for sig, så det første job kommer sent.",
     "Tre virksomheder tager flygtninge i praktik med sprogundervisning på stedet to "
     "dage om ugen; jobcentret følger op hver fjortende dag.",
     "Flygtninge, virksomhederne og jobcentret.",
     "Aftaler med tre virksomheder og en sproglærer, der kan undervise ude.",
     "Beskæftigelsesudvalget beslutter om en afprøvning i august."),
    (1, "Jobmakkere", "En kollega som makker det første halve år.",
     "Nye medarbejdere falder fra, fordi ingen forklarer de uskrevne regler.",
     "Virksomheden udpeger en jobmakker, der får to timers fri om ugen til opgaven.",
     "Nye medarbejdere og deres kolleger.", "Kompensation for makkerens timer.",
     "Tale med to virksomheder om at prøve det."),
]


def seed_sprint_prototypes(camp: Camp, people: list[User], owners: list[User]) -> None:
    """Two challenges with three teams that each submitted a prototype, with feedback."""
    challenges = []
    for (title, org, actor, mode, problem, values), owner in zip(CHALLENGES, owners):
        challenge = Challenge(camp_id=camp.id, title=title, owner_organisation=org,
                              owner_actor_type=actor, mode=mode, problem=problem,
                              commitment="Vi afprøver den bedste prototype i praksis.",
                              status=ChallengeStatus.published, created_by_id=owner.id,
                              submitted_at=camp.starts_at - timedelta(days=30),
                              decided_at=camp.starts_at - timedelta(days=28),
                              published_at=camp.starts_at - timedelta(days=28))
        challenge.owners.append(ChallengeOwner(user_id=owner.id))
        challenge.values.extend(ChallengeValue(dimension=d, how_noticed=h) for d, h in values)
        db.session.add(challenge)
        challenges.append(challenge)
    db.session.flush()
    for index, (c, title, pitch, problem, solution, who, needs, steps) in \
            enumerate(PROTOTYPES):
        members = people[index * 5:index * 5 + 5]
        team = Team(camp_id=camp.id, challenge=challenges[c], name=title,
                    pitch=pitch, lead_id=members[0].id)
        team.members.extend(TeamMember(camp_id=camp.id, user_id=u.id) for u in members)
        db.session.add(team)
        db.session.flush()
        submitted = camp.ends_at - timedelta(hours=3 - index)
        prototype = Prototype(
            camp_id=camp.id, team_id=team.id, challenge_id=team.challenge_id, title=title,
            pitch=pitch, problem=problem, solution=solution, beneficiaries=who,
            values=[v.dimension.value for v in challenges[c].values], trial_needs=needs,
            next_steps=steps, links="", status=PrototypeStatus.submitted,
            submitted_at=submitted)
        first = {f: getattr(prototype, f) for f in REVISED_FIELDS}
        if index == 0:
            # The first team revised its solution after the owner's first reaction.
            first["solution"] = "En nabo tager familien med til fællesspisning."
            prototype.revisions.append(PrototypeRevision(
                number=1, data=first, submitted_by_id=members[0].id,
                submitted_at=submitted - timedelta(hours=5)))
        prototype.revisions.append(PrototypeRevision(
            number=len(prototype.revisions) + 1,
            data={f: getattr(prototype, f) for f in REVISED_FIELDS},
            submitted_by_id=members[0].id, submitted_at=submitted))
        db.session.add(prototype)
        db.session.flush()
        if index < 2:
            owner = challenges[c].owners[0].user_id
            comment = Feedback(prototype_id=prototype.id, author_id=owner, from_owner=True,
                               body="Stærk idé. Hvem skal betale koordinatoren efter "
                                    "afprøvningen?" if index == 0 else
                                    "Vi kan skaffe to virksomheder. Kan sproglæreren komme "
                                    "fra sprogcentret?",
                               created_at=submitted + timedelta(days=2))
            db.session.add(comment)
            db.session.flush()
            db.session.add(Feedback(prototype_id=prototype.id, parent_id=comment.id,
                                    author_id=members[0].id, from_owner=False,
                                    body="Vi foreslår, at afdelingen og kommunen deler den.",
                                    created_at=submitted + timedelta(days=3)))
    db.session.commit()
