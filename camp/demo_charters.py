"""Two charters for the demo, made through the same services the pages use: last year's
national charter, final and signed by several organisations, and this year's camp charter
in consultation, with versions, accepted and rejected proposals, open ones and comments."""
from __future__ import annotations

from datetime import timedelta

from camp.auth.models import User
from camp.camps.models import Camp
from camp.charters import comments, proposals, services, signatures
from camp.charters.models import CharterPhase
from camp.db import utcnow
from camp.extensions import db

INTRO = ("Vi, der har været med til samskabelsescamps, forpligter os på en fælles måde at "
         "arbejde på, når offentlige organisationer, borgere, civilsamfund og virksomheder "
         "skaber løsninger sammen.")
TEXT = [
    ("Formål", [
        "Samskabelse skal skabe værdi: bedre kvalitet, højere effektivitet eller mere "
        "demokrati. Ellers lader vi være.",
        "Vi samskaber om konkrete problemer, som en problemejer har forpligtet sig til at "
        "arbejde videre med.",
    ]),
    ("Sådan arbejder vi", [
        "Alle parter mødes som ligeværdige, uanset titel og organisation.",
        "Vi deler viden og ressourcer åbent mellem parterne.",
        "Lederskab kan både være at sætte rammen og at facilitere arbejdet.",
    ]),
    ("Efter camp'en", [
        "Problemejeren afprøver de bedste prototyper i praksis og fortæller, hvad der skete.",
        "Vi evaluerer den værdi, der er skabt, sammen med alle parter.",
    ]),
]
SIGNERS = [
    ("Roskilde Kommune", "Rikke Rådgiver", "Direktør for Social og Sundhed",
     "rikke.raadgiver@roskilde.example.dk"),
    ("Boligselskabet 3B", "Pia Problemejer", "Boligsocial chef", "problemejer@samskab.dk"),
    ("Skanderborg Kommune", "Søren Skov", "Jobcenterchef", "soeren.skanderborg@example.dk"),
    ("Ældresagen Roskilde", "Bente Holm", "Formand", "bente.holm@example.dk"),
]


def _draft(organiser: User, title: str, camp: Camp | None):
    charter = services.create_charter(organiser, services.CharterData(
        title=title, introduction=INTRO, camp_id=camp.id if camp else None))
    for section_title, clauses in TEXT:
        section = services.add_section(organiser, charter, section_title,
                                       charter.text_revision)
        for text in clauses:
            services.add_clause(organiser, charter, section, text, charter.text_revision)
    services.save_version(organiser, charter, "Første udkast fra arrangørerne.")
    db.session.commit()
    return charter


def _consult(organiser: User, charter, days: int) -> None:
    services.set_phase(organiser, charter, CharterPhase.consultation.value,
                       utcnow() + timedelta(days=days))
    db.session.commit()


def seed_charters(camp: Camp, organiser: User, people: list[User]) -> None:
    # Last year's national charter: a proposal accepted, then final and signed.
    national = _draft(organiser, "Samskabelsescharter 1.0", None)
    _consult(organiser, national, 30)
    equal = next(c for s in national.sections for c in s.live_clauses
                 if c.text.startswith("Alle parter"))
    p = proposals.propose(people[0], national, proposals.ProposalData(
        "replace", "Alle parter mødes som ligeværdige, uanset titel og organisation, og "
        "borgernes hverdagsviden vægtes lige så højt som fagligheden.",
        "Borgernes viden forsvinder ellers i mødet med fagfolk."), clause=equal)
    db.session.commit()
    proposals.decide(organiser, p, "accept", "Godt forslag, som styrker ligeværdigheden.")
    db.session.commit()
    signatures.declare_final(organiser, national, national.versions[-1])
    db.session.commit()
    for organisation, name, title, email in SIGNERS:
        _signature, token = signatures.sign(None, national, {
            "organisation": organisation, "signer_name": name, "signer_title": title,
            "email": email})
        signatures.confirm(national, token)
        db.session.commit()

    # This year's camp charter, in consultation.
    charter = _draft(organiser, "Samskabelsescharter for campen", camp)
    _consult(organiser, charter, 60)
    clauses = [c for s in charter.sections for c in s.live_clauses]
    accepted = proposals.propose(people[1], charter, proposals.ProposalData(
        "add", "Vi aftaler fra starten, hvem der betaler for afprøvningen.",
        "Mange prototyper dør, fordi ingen har budgettet."), clause=clauses[1])
    rejected = proposals.propose(people[2], charter, proposals.ProposalData(
        "remove", rationale="Det er for selvfølgeligt til at stå i et charter."),
        clause=clauses[3])
    open_one = proposals.propose(people[3], charter, proposals.ProposalData(
        "replace", "Vi deler viden, data og ressourcer åbent mellem parterne, så længe "
        "persondata er beskyttet.", "Data skal med, men borgernes data skal beskyttes."),
        clause=clauses[3])
    proposals.propose(people[4], charter, proposals.ProposalData(
        "replace", "Problemejeren afprøver mindst én prototype i praksis inden for et år og "
        "fortæller offentligt, hvad der skete.", "Uden en frist sker der ingenting."),
        clause=clauses[5])
    db.session.commit()
    for supporter in people[5:11]:
        proposals.set_stance(supporter, open_one, "support")
    proposals.set_stance(people[11], open_one, "oppose")
    comments.add(people[6], charter, "Hvad tæller som data her? Også sagsakter?",
                 "question", proposal=open_one)
    comments.add(people[7], charter, "Tilføj gerne et eksempel fra en camp.", "suggestion",
                 clause=clauses[0])
    db.session.commit()
    proposals.decide(organiser, accepted, "accept", "Finansiering hører med fra start.")
    db.session.commit()
    proposals.decide(organiser, rejected, "reject",
                     "Punktet bliver i teksten; der ligger et ændringsforslag til det.")
    db.session.commit()
