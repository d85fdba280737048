"""The past Folkemøde sprint's trials in practice, months later: one running (parties with
agreed commitments, one changed at a held review, the next review due), one scaled up
(with an evaluation round the parties disagree on) and one stopped with a reason.

Rows are written directly (as the other demo modules do), dated relative to today so the
running trial always has a review ahead of it.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from camp.auth.models import User
from camp.camps.models import Camp
from camp.extensions import db
from camp.prototypes.models import Prototype
from camp.trials.models import CommitmentRevision, EvaluationAnswer, EvaluationRound, \
    Leadership, Milestone, Party, PartyRole, Recommendation, Review, Trial, TrialPrototype, \
    TrialStatus, TrialUpdate


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


class _Seeder:
    def __init__(self, camp: Camp):
        self.camp = camp

    def trial(self, prototype: Prototype, owner: User, **fields) -> Trial:
        trial = Trial(camp_id=self.camp.id, challenge_id=prototype.challenge_id,
                      values=[v.dimension.value for v in prototype.challenge.values],
                      created_by_id=owner.id, **fields)
        db.session.add(trial)
        db.session.flush()
        db.session.add(TrialPrototype(trial_id=trial.id, prototype_id=prototype.id))
        return trial

    def party(self, trial, organisation, contact: User | None, role, leadership, commitment,
              resources, agreed: date, changes=()) -> Party:
        """A party that agreed on `agreed`; `changes`: (day, commitment, note, review)."""
        party = Party(trial_id=trial.id, organisation=organisation,
                      contact_name=contact.name if contact else "",
                      contact_email=contact.email if contact else "",
                      user_id=contact.id if contact else None, role=role,
                      leadership=leadership, commitment=commitment, resources=resources,
                      agreed_at=_at(agreed), agreed_by_id=contact.id if contact else None,
                      created_at=_at(agreed - timedelta(days=3)))
        db.session.add(party)
        db.session.flush()
        db.session.add(CommitmentRevision(
            party_id=party.id, number=1, commitment=commitment, resources=resources,
            kind="agreed", changed_by_id=party.user_id, created_at=_at(agreed)))
        for number, (day, text, note, review) in enumerate(changes, start=2):
            kind = "confirmed" if text is None else "changed"
            if text is not None:
                party.commitment = text
                party.revision += 1
            db.session.add(CommitmentRevision(
                party_id=party.id, number=number, commitment=party.commitment,
                resources=resources, kind=kind, note=note,
                review_id=review.id if review else None, changed_by_id=party.user_id,
                created_at=_at(day, 11)))
        party.revision += 1  # the agreement itself was a write
        return party

    def review(self, trial, due: date, held: date | None = None, by: User | None = None,
               note: str = "") -> Review:
        review = Review(trial_id=trial.id, due_on=due, note=note,
                        held_at=_at(held, 14) if held else None,
                        held_by_id=by.id if by and held else None)
        db.session.add(review)
        db.session.flush()
        return review

    def steps(self, trial, author: User, steps) -> None:
        """Status changes and text updates on the timeline: (day, status_to|None, progress,
        body)."""
        status = TrialStatus.idea
        for day, new, progress, body in steps:
            update = TrialUpdate(trial_id=trial.id, author_id=author.id, body=body,
                                 progress=progress, created_at=_at(day, 12))
            if new is not None:
                update.status_from, update.status_to = status.value, new.value
                status = new
            db.session.add(update)
            trial.last_update_at = update.created_at
        trial.status = status

    def milestones(self, trial, rows) -> None:
        for title, due, done in rows:
            db.session.add(Milestone(trial_id=trial.id, title=title, due_on=due,
                                     done_at=_at(done, 15) if done else None,
                                     done_by_id=trial.created_by_id if done else None))


def seed_sprint_trials(camp: Camp, people: list[User]) -> None:
    """Trials on the sprint's three submitted prototypes. Does nothing if they exist."""
    if db.session.execute(select(Trial.id).where(Trial.camp_id == camp.id)).first():
        return
    by_title = {p.title: p for p in db.session.execute(
        select(Prototype).where(Prototype.camp_id == camp.id)).scalars()}
    if not {"Velkomstvenner", "Praktik fra dag ét", "Jobmakkere"} <= set(by_title):
        return
    seed = _Seeder(camp)
    _running(seed, by_title["Velkomstvenner"], people)
    _scaled_up(seed, by_title["Praktik fra dag ét"], people)
    _stopped(seed, by_title["Jobmakkere"], people)
    db.session.commit()


def _owner(prototype: Prototype) -> User:
    return db.session.get(User, prototype.challenge.owners[0].user_id)


def _running(seed: _Seeder, prototype: Prototype, people: list[User]) -> None:
    owner = _owner(prototype)
    today = date.today()
    start = today - timedelta(days=70)
    trial = seed.trial(
        prototype, owner, title="Velkomstvenner i Vestergården",
        purpose="Nye familier i Vestergården får en nabo som velkomstven det første år, så "
                "de kender nogen, deltager i fællesskabet og i beboerdemokratiet.",
        municipality="Assens", unit="Boligselskabet 3B, afdeling Vestergården",
        area="Vestergården", starts_on=start, planned_end_on=start + timedelta(weeks=26),
        progress=45, review_every_weeks=6, created_at=_at(start - timedelta(days=20)))
    first = seed.review(trial, start + timedelta(weeks=6), held=start + timedelta(days=43),
                        by=owner, note="Otte velkomstvenner er i gang. Afdelingsbestyrelsen "
                                       "holder fællesspisning hver anden uge i stedet for "
                                       "hver måned; det fungerer bedre for familierne.")
    nxt = start + timedelta(days=43) + timedelta(weeks=6)
    seed.review(trial, nxt)
    trial.next_review_on = nxt
    agreed = start - timedelta(days=10)
    seed.party(trial, "Boligselskabet 3B", owner, PartyRole.owner, Leadership.defining,
               "Sætter rammen og målet, stiller en koordinator til rådighed fem timer om "
               "ugen og følger op ved hver gennemgang.",
               "Koordinator 5 timer om ugen. Beboerhuset en aften om måneden. 10.000 kr. "
               "til fællesspisning.", agreed,
               changes=[(first.due_on + timedelta(days=1), None, "", first)])
    seed.party(trial, "Afdelingsbestyrelsen Vestergården", people[0], PartyRole.citizen_group,
               Leadership.facilitating,
               "Finder ti velkomstvenner blandt beboerne og holder fællesspisning hver "
               "måned.", "Frivillige naboer, beboerhusets køkken.", agreed,
               changes=[(first.due_on + timedelta(days=1),
                         "Finder otte velkomstvenner blandt beboerne og holder fællesspisning "
                         "hver anden uge.",
                         "To naboer er flyttet; familierne vil hellere mødes oftere i mindre "
                         "grupper.", first)])
    seed.party(trial, "Røde Kors Assens", people[16], PartyRole.partner, Leadership.none,
               "Holder et kursus for velkomstvennerne (to aftener) og giver supervision "
               "hver anden måned.", "En frivillighedskonsulent.", agreed + timedelta(days=2),
               changes=[(first.due_on + timedelta(days=2), None, "Som aftalt.", first)])
    seed.steps(trial, owner, [
        (start - timedelta(days=10), TrialStatus.planned, 5,
         "Parterne har aftalt rammen: seks måneder, ti familier, gennemgang hver sjette uge."),
        (start, TrialStatus.running, 10, "Velkomstvennerne er fundet, og de første familier "
                                         "har mødt deres nabo."),
        (start + timedelta(days=30), None, 30, "Første fællesspisning: 46 beboere, heraf 14 "
                                               "fra de nye familier."),
        (start + timedelta(days=43), None, 45, "Gennemgang holdt: otte velkomstvenner, "
                                               "fællesspisning hver anden uge."),
    ])
    seed.milestones(trial, [
        ("Velkomstvenner fundet", start + timedelta(days=7), start + timedelta(days=6)),
        ("Kursus for velkomstvenner", start + timedelta(days=21), start + timedelta(days=22)),
        ("Første fællesspisning", start + timedelta(days=30), start + timedelta(days=30)),
        ("To nye familier på afdelingsmødet", today - timedelta(days=5), None),
        ("Midtvejsevaluering med kommunen", today + timedelta(days=20), None),
    ])


def _scaled_up(seed: _Seeder, prototype: Prototype, people: list[User]) -> None:
    owner = _owner(prototype)
    start = seed.camp.ends_at.date() + timedelta(days=30)
    trial = seed.trial(
        prototype, owner, title="Praktik fra dag ét i Skanderborg",
        purpose="Flygtninge kommer i praktik i første uge, med sprogundervisning på "
                "arbejdspladsen to dage om ugen, så det første job kommer hurtigere.",
        municipality="Skanderborg", unit="Jobcenter Skanderborg", area="",
        starts_on=start, planned_end_on=start + timedelta(weeks=20), progress=100,
        review_every_weeks=8, created_at=_at(start - timedelta(days=14)),
        outcome_reason="Alle tre virksomheder fortsætter, og beskæftigelsesudvalget har "
                       "besluttet at udbrede modellen til hele kommunen fra næste år.")
    r1 = seed.review(trial, start + timedelta(weeks=8), held=start + timedelta(weeks=8),
                     by=owner, note="Fire ud af seks er stadig i praktik.")
    r2 = seed.review(trial, start + timedelta(weeks=16), held=start + timedelta(weeks=16),
                     by=owner, note="To har fået fast job. Klar til evaluering.")
    agreed = start - timedelta(days=7)
    ours = seed.party(trial, "Skanderborg Kommune, Jobcentret", owner, PartyRole.owner,
                      Leadership.defining,
                      "Finder seks deltagere, følger op hver fjortende dag og betaler "
                      "sproglærerens timer.", "En virksomhedskonsulent, 60.000 kr.", agreed,
                      changes=[(r1.due_on, None, "", r1), (r2.due_on, None, "", r2)])
    school = seed.party(trial, "Sprogcenter Midt", people[17], PartyRole.frontline_unit,
                        Leadership.facilitating,
                        "En sproglærer underviser på arbejdspladserne to dage om ugen.",
                        "En sproglærer, undervisningsmateriale.", agreed,
                        changes=[(r1.due_on, "En sproglærer underviser på arbejdspladserne "
                                             "to dage om ugen og holder en fælles "
                                             "fredagstime på sprogcentret.",
                                  "Deltagerne savnede hinanden.", r1),
                                 (r2.due_on, None, "", r2)])
    seed.party(trial, "Skanderborg Maskinfabrik A/S", people[18], PartyRole.partner,
               Leadership.none, "Tager to i praktik og udpeger en kontaktperson.",
               "Praktikpladser, en kontaktperson.", agreed,
               changes=[(r1.due_on, None, "", r1), (r2.due_on, None, "", r2)])
    seed.steps(trial, owner, [
        (agreed, TrialStatus.planned, 5, "Aftalerne med de tre virksomheder er på plads."),
        (start, TrialStatus.running, 10, "Seks deltagere er startet i praktik."),
        (start + timedelta(weeks=16), TrialStatus.evaluating, 90,
         "Afprøvningen er slut; parterne evaluerer."),
        (start + timedelta(weeks=22), TrialStatus.scaled_up, 100,
         "Beskæftigelsesudvalget har besluttet at udbrede modellen."),
    ])
    seed.milestones(trial, [
        ("Aftaler med tre virksomheder", start - timedelta(days=7), start - timedelta(days=8)),
        ("Seks deltagere i praktik", start + timedelta(days=7), start + timedelta(days=5)),
        ("Evaluering med alle parter", start + timedelta(weeks=18), start + timedelta(weeks=18)),
    ])
    rnd = EvaluationRound(trial_id=trial.id, title="Slutevaluering",
                          opens_at=_at(start + timedelta(weeks=16)),
                          closes_at=_at(start + timedelta(weeks=19)), created_by_id=owner.id,
                          created_at=_at(start + timedelta(weeks=16)))
    db.session.add(rnd)
    db.session.flush()
    db.session.add_all([
        EvaluationAnswer(
            round_id=rnd.id, party_id=ours.id, recommendation=Recommendation.scale_up,
            values={"efficiency": {"achieved": 5, "co_creation": 4,
                                   "text": "Første job efter 9 måneder i stedet for 20."},
                    "quality": {"achieved": 4, "co_creation": 4,
                                "text": "Fire af seks er stadig i job."}},
            collaboration={"equal_standing": 4, "exchange": 5, "learning": 4,
                           "leadership": 4, "text": "Virksomhederne bidrog med meget."},
            comment="Udbred det til hele kommunen.", answered_by_id=owner.id,
            created_at=_at(start + timedelta(weeks=17))),
        EvaluationAnswer(
            round_id=rnd.id, party_id=school.id, recommendation=Recommendation.adapt,
            values={"efficiency": {"achieved": 4, "co_creation": 3,
                                   "text": "Hurtigere i job, men sproget halter bagefter."},
                    "quality": {"achieved": 3, "co_creation": 4,
                                "text": "Sproget på arbejdspladsen er snævert."}},
            collaboration={"equal_standing": 3, "exchange": 4, "learning": 4,
                           "leadership": 2, "text": "Vi blev spurgt sent om planerne."},
            comment="Udbred det, men med en fast sprogdag på sprogcentret.",
            answered_by_id=school.user_id, created_at=_at(start + timedelta(weeks=18))),
    ])


def _stopped(seed: _Seeder, prototype: Prototype, people: list[User]) -> None:
    owner = _owner(prototype)
    start = seed.camp.ends_at.date() + timedelta(days=45)
    trial = seed.trial(
        prototype, owner, title="Jobmakkere på tre arbejdspladser",
        purpose="En kollega er makker for en ny medarbejder det første halve år.",
        municipality="Skanderborg", unit="Jobcenter Skanderborg", area="",
        starts_on=start, planned_end_on=start + timedelta(weeks=26), progress=20,
        review_every_weeks=6, created_at=_at(start - timedelta(days=10)),
        outcome_reason="Virksomhederne kunne ikke frigive makkerens to timer om ugen uden "
                       "kompensation, og der var ingen midler til det. Vi tager erfaringen "
                       "med ind i \"Praktik fra dag ét\", hvor kontaktpersonen får timerne.")
    r1 = seed.review(trial, start + timedelta(weeks=6), held=start + timedelta(weeks=6),
                     by=owner, note="Kun én af tre makkere har haft tid.")
    agreed = start - timedelta(days=5)
    seed.party(trial, "Skanderborg Kommune, Jobcentret", owner, PartyRole.owner,
               Leadership.defining, "Finder tre virksomheder og følger op hver måned.",
               "En virksomhedskonsulent.", agreed, changes=[(r1.due_on, None, "", r1)])
    seed.party(trial, "Skanderborg Erhvervsråd", people[19], PartyRole.partner,
               Leadership.facilitating, "Finder virksomheder og holder et makkermøde.",
               "Netværk, mødelokale.", agreed,
               changes=[(r1.due_on, "Holder et makkermøde; kan ikke finde flere "
                                    "virksomheder.", "Virksomhederne siger nej.", r1)])
    seed.steps(trial, owner, [
        (agreed, TrialStatus.planned, 5, "Tre virksomheder har sagt ja."),
        (start, TrialStatus.running, 10, "Tre makkere er udpeget."),
        (start + timedelta(weeks=7), TrialStatus.stopped, 20,
         "Afprøvningen stopper: makkerne fik ikke tid."),
    ])
    seed.milestones(trial, [
        ("Tre makkere udpeget", start, start),
        ("Makkermøde", start + timedelta(weeks=4), start + timedelta(weeks=4)),
    ])
