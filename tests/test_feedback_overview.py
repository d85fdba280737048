"""Which prototypes still lack owner feedback: for the owner (/me) and the organisers."""
import csv
import io

from camp.extensions import db
from camp.prototypes import feedback as services
from camp.prototypes.models import PrototypeStatus
from tests.factories import make_camp, make_challenge, make_prototype, make_team, make_user
from tests.test_feedback import feedback_world


def _csv(res):
    text = res.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


# --- The owner's list ---------------------------------------------------------------------

def test_owner_sees_which_prototypes_still_lack_feedback_in_every_camp(client, login):
    w = feedback_world()
    given = make_prototype(make_team(w.camp, w.challenge, lead=make_user(), name="Hold Syd"),
                           title="Aftensmad sammen")
    services.comment(w.co_owner, w.camp, given, "Fint, men hvem laver maden?")
    draft = make_prototype(make_team(w.camp, w.challenge, lead=make_user()),
                           title="Hemmelig kladde", status=PrototypeStatus.draft,
                           submitted_at=None)
    # A challenge of hers in another camp; and a challenge that is not hers.
    camp2 = make_camp(title="Forårscamp")
    other_camp_proto = make_prototype(make_team(camp2, make_challenge(camp2, w.owner),
                                                lead=make_user()), title="Cykeltaxa")
    make_prototype(make_team(w.camp, make_challenge(w.camp, make_user()), lead=make_user()),
                   title="Ikke hendes")
    db.session.commit()
    login(w.owner)
    page = client.get("/me/feedback").get_data(as_text=True)
    lacking, _, rest = page.partition('id="given-heading"')
    assert "Besøgsven på hjul" in lacking and "Cykeltaxa" in lacking
    assert "Forårscamp" in lacking
    assert "Aftensmad sammen" in rest and "Aftensmad sammen" not in lacking
    assert "0 by you" in rest  # the co-owner gave it
    assert "Hemmelig kladde" not in page and "Ikke hendes" not in page
    assert f"/camps/{w.camp.slug}/prototypes/{w.prototype.id}/feedback" in lacking
    assert f"/camps/{camp2.slug}/prototypes/{other_camp_proto.id}/feedback" in lacking
    assert draft.id  # drafts take no feedback, so they are not listed
    # Once she comments, it moves down.
    services.comment(w.owner, w.camp, w.prototype, "Godt")
    db.session.commit()
    lacking, _, rest = client.get("/me/feedback").get_data(as_text=True).partition(
        'id="given-heading"')
    assert "Besøgsven på hjul" in rest and "Besøgsven på hjul" not in lacking
    assert "1 by you" in rest


def test_someone_who_owns_nothing_gets_an_empty_list(client, login):
    feedback_world()
    login(make_user(locale="en"))
    page = client.get("/me/feedback").get_data(as_text=True)
    assert "No prototype is waiting for your feedback." in page
    login(None)
    assert client.get("/me/feedback").status_code == 302


# --- The organisers' overview -------------------------------------------------------------

def _manage(w):
    return f"/camps/{w.camp.slug}/manage/feedback"


def _organiser_world():
    w = feedback_world()
    w.organiser.locale = "en"
    syd = make_prototype(make_team(w.camp, w.challenge, lead=make_user(), name="Hold Syd"),
                         title="Aftensmad sammen")
    fb = services.comment(w.owner, w.camp, syd, "Hvem laver maden?")
    services.answer(syd.team.members[0].user, w.camp, syd, fb.id, "Frivillige")
    services.comment(w.co_owner, w.camp, syd, "Og hvem betaler?")
    make_prototype(make_team(w.camp, w.challenge, lead=make_user(), name="Hold Øst"),
                   title="Kladden", status=PrototypeStatus.draft, submitted_at=None)
    second = make_challenge(w.camp, make_user(name="Bo Bruger"), title="Affald i parken")
    make_prototype(make_team(w.camp, second, lead=make_user(), name="Hold Vest"),
                   title="Skraldespande med sensor")
    db.session.commit()
    w.syd, w.second = syd, second
    return w


def test_organiser_sees_lacking_feedback_first_and_counted(client, login):
    w = _organiser_world()
    login(w.organiser)
    page = client.get(_manage(w)).get_data(as_text=True)
    assert 'href="/camps/%s/manage/feedback" aria-current="page"' % w.camp.slug in page
    # 2 lacking (Besøgsven, Skraldespande), 3 submitted, 4 in all.
    assert '<span class="stat-number">2</span> still lacking owner feedback' in page
    assert '<span class="stat-number">3</span> submitted' in page
    assert '<span class="stat-number">4</span> prototypes in all' in page
    # Within the challenge: lacking first, then the one with feedback, the draft last.
    assert page.index("Besøgsven på hjul") < page.index("Aftensmad sammen") \
        < page.index("Kladden")
    assert "1 prototype still lacks owner feedback" in page
    assert "Carl Medejer" in page and "Bo Bruger" in page
    # Aftensmad sammen: two owner comments, one answer.
    row = page[page.index("Aftensmad sammen"):].split("</tr>")[0]
    assert "<td>2</td>" in row and "<td>1</td>" in row
    only = client.get(_manage(w) + "?lacking=1").get_data(as_text=True)
    assert "Besøgsven på hjul" in only and "Skraldespande med sensor" in only
    assert "Aftensmad sammen" not in only and "Kladden" not in only


def test_csv_export(client, login):
    w = _organiser_world()
    login(w.organiser)
    res = client.get(_manage(w) + ".csv")
    assert res.headers["Content-Type"].startswith("text/csv")
    assert f"{w.camp.slug}-feedback.csv" in res.headers["Content-Disposition"]
    header, *rows = _csv(res)
    assert header[:5] == ["Challenge", "Owner organisation", "Owners", "Prototype", "Team"]
    by_title = {r[3]: dict(zip(header, r)) for r in rows}
    assert set(by_title) == {"Besøgsven på hjul", "Aftensmad sammen", "Kladden",
                             "Skraldespande med sensor"}
    syd = by_title["Aftensmad sammen"]
    assert (syd["Owner comments"], syd["Team answers"], syd["Lacking owner feedback"]) == (
        "2", "1", "no")
    assert syd["Owners"] == "Olga Ejer, Carl Medejer" and syd["Last owner comment"]
    assert by_title["Besøgsven på hjul"]["Lacking owner feedback"] == "yes"
    assert by_title["Kladden"]["Lacking owner feedback"] == "no"  # a draft cannot have any
    _, *only = _csv(client.get(_manage(w) + ".csv?lacking=1"))
    assert sorted(r[3] for r in only) == ["Besøgsven på hjul", "Skraldespande med sensor"]


def test_only_organisers_of_this_camp(client, login):
    w = _organiser_world()
    for user in (w.owner, w.lead, make_user()):
        login(user)
        assert client.get(_manage(w)).status_code == 403
        assert client.get(_manage(w) + ".csv").status_code == 403


def _add_prototypes(w, n):
    for i in range(n):
        challenge = make_challenge(w.camp, make_user()) if i % 3 == 0 else w.challenge
        p = make_prototype(make_team(w.camp, challenge, lead=make_user(), members=[make_user()]))
        if i % 2:
            fb = services.comment(challenge.owners[0].user, w.camp, p, "Kommentar")
            services.answer(p.team.members[0].user, w.camp, p, fb.id, "Svar")
    db.session.commit()


def test_constant_number_of_queries(client, login, query_counter):
    w = feedback_world()
    login(w.organiser)
    counts = {}
    for target in (5, 30):
        _add_prototypes(w, target - sum(len(g.rows) for g in services.camp_overview(w.camp)))
        for url in (_manage(w), _manage(w) + ".csv"):
            with query_counter() as n:
                assert client.get(url).status_code == 200
            counts[(target, url)] = n()
    assert counts[(5, _manage(w))] == counts[(30, _manage(w))]
    assert counts[(5, _manage(w) + ".csv")] == counts[(30, _manage(w) + ".csv")]
    rows = [r for g in services.camp_overview(w.camp) for r in g.rows]
    assert len(rows) == 30
    # The owner's list too.
    login(w.owner)
    with query_counter() as n:
        client.get("/me/feedback")
    few = n()
    _add_prototypes(w, 10)
    with query_counter() as n:
        client.get("/me/feedback")
    assert n() == few
