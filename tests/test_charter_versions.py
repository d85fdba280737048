"""Charter versions: permanent addresses, comparison of any two, and the final version."""
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from camp.charters import versions
from camp.charters.compare import compare
from camp.charters.models import Charter, CharterPhase, CharterVersion, Clause, Proposal, \
    ProposalKind, ProposalStatus, Section
from camp.charters.signatures import declare_final
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db
from tests.factories import add_role, make_camp, make_user
from camp.camps.models import Role
import pytest


@pytest.fixture(autouse=True)
def english(client):
    """Anonymous requests in English (signed-in test users have locale "en")."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def charter_world(slug="samskabelsescharter", camp=True, two_versions=True):
    """A camp's charter with two sections; version 1 is the first draft and (optionally)
    version 2 changes clause 1.1, removes 1.2, adds a clause and renames section 2."""
    organiser = make_user(name="Ole Organisator", email=f"ole-{slug}@example.dk", locale="en")
    the_camp = make_camp(organiser=organiser) if camp else None
    charter = Charter(slug=slug, camp_id=the_camp.id if the_camp else None,
                      title="Samskabelsescharter", introduction="Vi arbejder *åbent* sammen.",
                      phase=CharterPhase.consultation,
                      consultation_closes_at=utcnow() + timedelta(days=14),
                      created_by_id=organiser.id)
    s1 = Section(charter=charter, position=1, title="Principper")
    s2 = Section(charter=charter, position=2, title="Roller")
    db.session.add_all([charter, s1, s2])
    db.session.flush()
    c11 = Clause(charter_id=charter.id, section_id=s1.id, position=1,
                 text="Vi mødes som ligeværdige parter.")
    c12 = Clause(charter_id=charter.id, section_id=s1.id, position=2,
                 text="Vi holder møderne korte.")
    c13 = Clause(charter_id=charter.id, section_id=s1.id, position=3,
                 text="Vi evaluerer sammen.")
    c21 = Clause(charter_id=charter.id, section_id=s2.id, position=1,
                 text="Problemejeren sætter rammen.")
    db.session.add_all([c11, c12, c13, c21])
    db.session.flush()
    v1 = versions.create_version(organiser, charter, [], note="Første udkast")
    db.session.commit()
    w = SimpleNamespace(organiser=organiser, camp=the_camp, charter=charter, s1=s1, s2=s2,
                        c11=c11, c12=c12, c13=c13, c21=c21, v1=v1, v2=None, new=None)
    if two_versions:
        c11.text = "Vi mødes som ligeværdige parter og deler viden."
        c12.removed_at = utcnow()
        new = Clause(charter_id=charter.id, section_id=s2.id, position=2,
                     text="Borgerne er med fra start.")
        s2.title = "Roller og ansvar"
        db.session.add(new)
        db.session.flush()
        changelog = [
            versions.changelog_entry("replace", clause_number="1.1", author="Pia Deltager",
                                     decided_by="Ole Organisator", summary="Viden deles"),
            versions.changelog_entry("remove", clause_number="1.2", author="Karl Kritiker",
                                     decided_by="Ole Organisator", summary="Overflødig"),
            versions.changelog_entry("add", clause_number="2.2", author="Pia Deltager",
                                     decided_by="Ole Organisator", summary="Borgerne med"),
        ]
        changelog[0]["proposal_id"] = 41
        w.v2 = versions.create_version(organiser, charter, changelog, note="Efter høringen")
        w.new = new
        db.session.commit()
    return w


def _open_proposal(w, author=None):
    p = Proposal(charter_id=w.charter.id, kind=ProposalKind.replace, clause_id=w.c21.id,
                 text="Problemejeren og borgerne sætter rammen.", rationale="Fælles ramme.",
                 base_revision=1, base_text=w.c21.text,
                 author_id=(author or w.organiser).id)
    db.session.add(p)
    db.session.commit()
    return p


# --- The list and the permanent address ------------------------------------------------------

def test_version_list_shows_numbers_notes_changelog_and_final(client, login):
    w = charter_world()
    w.v1.is_final, w.v1.final_at = True, utcnow()
    db.session.commit()
    html = client.get("/charters/samskabelsescharter/versions/").get_data(as_text=True)
    assert "Version 2" in html and "Version 1" in html
    assert "Efter høringen" in html and "Første udkast" in html
    assert "Pia Deltager" in html and "decided by Ole Organisator" in html
    assert "Clause removed" in html and "1.2" in html
    assert "proposal #41" in html  # no proposal page yet (or a link to it)
    assert html.index("Version 2") < html.index("Version 1")
    assert "Final" in html
    assert "by Ole Organisator" in html


def test_version_page_renders_its_snapshot_and_changelog(client):
    w = charter_world()
    html = client.get("/charters/samskabelsescharter/versions/2").get_data(as_text=True)
    assert "Samskabelsescharter" in html
    assert "<em>åbent</em>" in html  # Markdown of the introduction
    assert "Vi mødes som ligeværdige parter og deler viden." in html
    assert "Vi holder møderne korte." not in html  # removed in version 2
    assert "Borgerne er med fra start." in html and "Roller og ansvar" in html
    # Renumbered: "Vi evaluerer sammen." is 1.2 now.
    assert html.index(">1.2<") < html.index("Vi evaluerer sammen.")
    assert "Viden deles" in html and "Overflødig" in html
    assert "This is not the latest version" not in html
    assert "/charters/samskabelsescharter/versions/2.pdf" in html
    assert "/charters/samskabelsescharter/compare?a=1&amp;b=2" in html
    assert w.v2.number == 2


def test_an_old_version_keeps_its_text_when_the_working_text_changes(client):
    w = charter_world()
    w.c11.text = "En helt ny formulering."
    w.charter.title = "Nyt navn"
    db.session.commit()
    html = client.get("/charters/samskabelsescharter/versions/1").get_data(as_text=True)
    assert "Vi mødes som ligeværdige parter." in html
    assert "Vi holder møderne korte." in html
    assert "En helt ny formulering." not in html and "Nyt navn" not in html
    assert "This is not the latest version." in html
    assert 'href="/charters/samskabelsescharter/versions/2"' in html


def test_unknown_version_and_unknown_charter_are_404(client):
    charter_world()
    assert client.get("/charters/samskabelsescharter/versions/9").status_code == 404
    assert client.get("/charters/nope/versions/1").status_code == 404
    assert client.get("/charters/nope/versions/").status_code == 404


def test_charter_of_a_draft_camp_is_hidden(client, login):
    w = charter_world()
    from camp.camps.models import CampStatus
    w.camp.status = CampStatus.draft
    db.session.commit()
    assert client.get("/charters/samskabelsescharter/versions/1").status_code == 404
    login(w.organiser)
    assert client.get("/charters/samskabelsescharter/versions/1").status_code == 200


def test_version_list_query_count_is_constant(client, query_counter):
    w = charter_world()

    def count():
        with query_counter() as n:
            assert client.get("/charters/samskabelsescharter/versions/").status_code == 200
        return n()
    few = count()
    for _ in range(6):
        versions.create_version(w.organiser, w.charter, [], note="Endnu en")
    db.session.commit()
    assert count() == few


# --- Comparison ------------------------------------------------------------------------------

def test_compare_shows_changed_added_and_removed_clauses(client):
    charter_world()
    r = client.get("/charters/samskabelsescharter/compare?a=1&b=2")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "<del>parter.</del><ins>parter og deler viden.</ins>" in html
    assert "<del>Vi holder møderne korte.</del>" in html
    assert "<ins>Borgerne er med fra start.</ins>" in html
    assert "removed" in html and "added" in html and "changed" in html
    assert "was 1.3 in version 1" in html  # "Vi evaluerer sammen." is renumbered to 1.2
    assert "<ins>Roller og ansvar</ins>" in html and "title changed" in html
    assert "Problemejeren sætter rammen." in html  # unchanged clauses shown


def test_compare_only_changes_hides_unchanged_clauses(client):
    charter_world()
    html = client.get("/charters/samskabelsescharter/compare?a=1&b=2&changes=1"
                      ).get_data(as_text=True)
    assert "<ins>parter og deler viden.</ins>" in html
    assert "Problemejeren sætter rammen." not in html


def test_compare_defaults_to_previous_against_latest(client):
    w = charter_world()
    w.c21.text = "Problemejeren sætter rammen sammen med borgerne."
    db.session.commit()
    versions.create_version(w.organiser, w.charter, [])
    db.session.commit()
    html = client.get("/charters/samskabelsescharter/compare").get_data(as_text=True)
    assert '<option value="2" selected>' in html and '<option value="3" selected>' in html
    assert "<ins>rammen sammen med borgerne.</ins>" in html


def test_compare_reversed_order_also_works(client):
    charter_world()
    html = client.get("/charters/samskabelsescharter/compare?a=2&b=1").get_data(as_text=True)
    assert "<ins>Vi holder møderne korte.</ins>" in html
    assert "<del>Borgerne er med fra start.</del>" in html


def test_compare_unknown_numbers_404_and_same_number_message(client):
    charter_world()
    assert client.get("/charters/samskabelsescharter/compare?a=1&b=7").status_code == 404
    assert client.get("/charters/samskabelsescharter/compare?a=x&b=2").status_code == 404
    r = client.get("/charters/samskabelsescharter/compare?a=2&b=2")
    assert r.status_code == 200
    assert "You chose version 2 twice" in r.get_data(as_text=True)


def test_compare_with_one_version_says_so(client):
    charter_world(two_versions=False)
    html = client.get("/charters/samskabelsescharter/compare").get_data(as_text=True)
    assert "There is only one version so far" in html


def test_compare_matches_clauses_by_id_across_sections():
    a = {"title": "T", "introduction": "", "sections": [
        {"id": 1, "number": 1, "title": "A", "clauses": [
            {"id": 10, "number": "1.1", "text": "en"}, {"id": 11, "number": "1.2", "text": "to"}]},
        {"id": 2, "number": 2, "title": "B", "clauses": [
            {"id": 20, "number": "2.1", "text": "tre"}]}]}
    b = {"title": "T", "introduction": "Ny", "sections": [
        {"id": 2, "number": 1, "title": "B", "clauses": [
            {"id": 20, "number": "1.1", "text": "tre"},
            {"id": 11, "number": "1.2", "text": "to og fire"}]}]}
    result = compare(a, b)
    assert result.introduction_changed and not result.title_changed
    # Section 1 is gone and comes first (where it stood); clause 11 moved, it is not removed.
    assert [s.state for s in result.sections] == ["removed", "unchanged"]
    removed = result.sections[0]
    assert [(c.clause_id, c.state) for c in removed.clauses] == [(10, "removed")]
    kept = result.sections[1]
    assert [(c.clause_id, c.state, c.number_a, c.number_b) for c in kept.clauses] == [
        (20, "unchanged", "2.1", "1.1"), (11, "changed", "1.2", "1.2")]
    assert "<ins>to og fire</ins>" in str(kept.clauses[1].html)
    assert result.counts() == {"unchanged": 1, "changed": 1, "added": 0, "removed": 1}


def test_compare_escapes_user_text():
    a = {"title": "T", "sections": [{"id": 1, "number": 1, "title": "<b>x</b>", "clauses": [
        {"id": 1, "number": "1.1", "text": "<script>alert(1)</script>"}]}]}
    b = {"title": "T", "sections": [{"id": 1, "number": 1, "title": "<b>x</b>", "clauses": []}]}
    result = compare(a, b)
    html = str(result.sections[0].clauses[0].html) + str(result.sections[0].title_html)
    assert "<script>" not in html and "<b>" not in html


# --- Final ---------------------------------------------------------------------------------

def _final_url(n):
    return f"/charters/samskabelsescharter/versions/{n}/final"


def test_editor_declares_the_latest_version_final(client, login):
    w = charter_world()
    login(w.organiser)
    r = client.post(_final_url(2))
    assert r.status_code == 303
    assert "Version 2 is now the final version" in client.get(r.location).get_data(as_text=True)
    db.session.expire_all()
    v2 = db.session.get(CharterVersion, w.v2.id)
    assert v2.is_final and v2.final_at is not None
    assert db.session.get(Charter, w.charter.id).phase == CharterPhase.final
    html = client.get("/charters/samskabelsescharter/versions/").get_data(as_text=True)
    assert "Declare version 2 final" not in html


def test_final_is_refused_while_proposals_are_open(client, login):
    w = charter_world()
    _open_proposal(w)
    _open_proposal(w)
    decided = _open_proposal(w)
    decided.status = ProposalStatus.rejected
    db.session.commit()
    login(w.organiser)
    page = client.get("/charters/samskabelsescharter/versions/2").get_data(as_text=True)
    assert "2 proposals are still open" in page
    r = client.post(_final_url(2), follow_redirects=True)
    assert "2 proposals are still open. Accept or reject them" in r.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(CharterVersion, w.v2.id).is_final
    assert db.session.get(Charter, w.charter.id).phase == CharterPhase.consultation


def test_final_is_refused_for_an_older_version(client, login):
    w = charter_world()
    login(w.organiser)
    r = client.post(_final_url(1), follow_redirects=True)
    assert "Only the latest version (2) can be declared final." in r.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(CharterVersion, w.v1.id).is_final


def test_only_editors_declare_final(client, login):
    w = charter_world()
    participant = make_user(locale="en")
    add_role(participant, w.camp, Role.participant)
    login(participant)
    assert client.post(_final_url(2)).status_code == 403
    login(None)
    assert client.post(_final_url(2)).status_code == 302
    db.session.expire_all()
    assert not db.session.get(CharterVersion, w.v2.id).is_final


def test_a_later_version_can_be_declared_final_after_reopening(app):
    w = charter_world()
    declare_final(w.organiser, w.charter, w.v2)
    db.session.commit()
    try:
        declare_final(w.organiser, w.charter, w.v2)
        raise AssertionError("declared final twice")
    except DomainError as exc:
        assert "er allerede den endelige version" in str(exc.message)
    db.session.rollback()
    # Back to consultation (part D's manage page), a new version, declared final in turn.
    w.charter.phase = CharterPhase.consultation
    db.session.commit()
    v3 = versions.create_version(w.organiser, w.charter, [])
    db.session.commit()
    declare_final(w.organiser, w.charter, v3)
    db.session.commit()
    finals = db.session.execute(select(CharterVersion.number).where(
        CharterVersion.charter_id == w.charter.id, CharterVersion.is_final.is_(True))
        .order_by(CharterVersion.number)).scalars().all()
    assert finals == [2, 3]
    from camp.charters.signatures import current_final
    assert current_final(w.charter).number == 3
