"""Charters: the list, a new charter, the working text, the editors' direct edits."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from camp.camps.models import Role
from camp.charters import services, versions
from camp.charters.models import Charter, CharterEditor, CharterPhase, Clause, Section
from camp.db import utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from tests.factories import add_role, make_camp, make_user
from tests.test_charters_world import all_versions, charter_world, fresh, url


def _charters():
    db.session.expire_all()
    return db.session.execute(select(Charter).order_by(Charter.id)).scalars().all()


# --- Creating a charter -------------------------------------------------------------------

def test_an_organiser_creates_a_charter_of_their_camp(client, login):
    organiser = make_user(locale="en")
    camp = make_camp(organiser=organiser, title="Roskilde camp")
    other_camp = make_camp(title="Someone else's camp")
    login(organiser)
    page = client.get("/charters/new").get_data(as_text=True)
    assert "Roskilde camp" in page and "Someone else&#39;s camp" not in page
    res = client.post("/charters/new", data={
        "title": "  Samskabelsescharter for Ærø ", "camp_id": str(camp.id),
        "introduction": "Why *we* do it."})
    assert res.status_code == 303
    [charter] = _charters()
    assert res.headers["Location"].endswith("/charters/samskabelsescharter-for-aeroe/manage")
    assert (charter.title, charter.camp_id, charter.phase, charter.introduction) == (
        "Samskabelsescharter for Ærø", camp.id, CharterPhase.drafting, "Why *we* do it.")
    assert [e.user_id for e in charter.editors] == [organiser.id]
    # The same title again gets its own address; a camp not organised by the user is refused.
    client.post("/charters/new", data={"title": "Samskabelsescharter for Ærø"})
    assert [c.slug for c in _charters()] == ["samskabelsescharter-for-aeroe",
                                            "samskabelsescharter-for-aeroe-2"]
    res = client.post("/charters/new", data={"title": "Sneaky", "camp_id": str(other_camp.id)})
    assert res.status_code == 200 and len(_charters()) == 2


@pytest.mark.parametrize("data,message", [
    ({"title": ""}, "Give the charter a title."),
    ({"title": "x" * 201}, "Keep the title under 200 characters."),
    ({"title": "Fine", "introduction": "x" * 20_001},
     "Keep the introduction under 20,000 characters."),
    ({"title": "Fine", "camp_id": "999"}, "Not a valid choice"),
])
def test_bad_input_is_refused_on_the_page(client, login, data, message):
    organiser = make_user(locale="en")
    make_camp(organiser=organiser)
    login(organiser)
    res = client.post("/charters/new", data=data)
    assert res.status_code == 200 and message in res.get_data(as_text=True)
    assert _charters() == []


def test_only_organisers_create_charters(client, login):
    participant = make_user(locale="en")
    add_role(participant, make_camp(), Role.participant)
    login(participant)
    assert client.get("/charters/new").status_code == 403
    assert client.post("/charters/new", data={"title": "Mine"}).status_code == 403
    assert _charters() == []


# --- The list and the working text --------------------------------------------------------

def test_the_list_shows_phase_camp_and_open_proposals_and_searches(client, login):
    w = charter_world()
    from camp.charters import proposals
    proposals.propose(w.author, w.charter, proposals.ProposalData(
        "replace", "We meet as equal partners.", "Clearer."), clause=w.c1)
    db.session.commit()
    hidden = make_camp(status=__import__("camp.camps.models", fromlist=["CampStatus"])
                       .CampStatus.draft)
    db.session.add(Charter(slug="secret", title="Secret draft charter", camp_id=hidden.id))
    db.session.commit()
    page = client.get("/charters/").get_data(as_text=True)
    assert "Samskabelsescharter" in page and "Samskabelsescamp Roskilde" in page
    assert "Høring" in page and "Secret draft charter" not in page
    row = page.split("Samskabelsescharter</a>")[1].split("</tr>")[0]
    assert "<td>1</td>" in row
    assert "Samskabelsescharter" in client.get("/charters/?q=roskilde").get_data(as_text=True)
    empty = client.get("/charters/?q=nothing-like-it").get_data(as_text=True)
    assert "Ingen charter passer" in empty


def test_the_list_has_an_empty_state(client):
    assert "Ingen charter endnu." in client.get("/charters/").get_data(as_text=True)


def test_the_working_text_is_numbered_with_proposal_and_comment_counts(client, login):
    w = charter_world()
    from camp.charters import comments
    comments.add(w.author, w.charter, "What does equal mean?", "question", clause=w.c1)
    db.session.commit()
    login(w.author)
    page = client.get(url(w)).get_data(as_text=True)
    assert page.index("1. Principles") < page.index("Clause 1.1") < page.index(
        "We meet as equals.") < page.index("Clause 1.2") < page.index("2. Practice") < \
        page.index("Clause 2.1")
    assert "<em>co-create</em>" in page  # the introduction as Markdown
    assert "1 comment" in page and "Propose a change" in page
    assert f"/charters/{w.charter.slug}/clauses/{w.c1.id}/propose" in page
    # Outsiders read but do not propose.
    login(w.outsider)
    page = client.get(url(w)).get_data(as_text=True)
    assert "We meet as equals." in page and "/propose" not in page


# --- Direct edits in drafting -------------------------------------------------------------

def test_editors_edit_the_text_in_drafting_and_each_edit_bumps_the_revision(client, login):
    w = charter_world(phase=CharterPhase.drafting)
    login(w.organiser)
    rev = fresh(w.charter).text_revision
    res = client.post(url(w, "manage/sections"), data={"section-title": "Commitments",
                                                       "section-text_revision": rev})
    assert res.status_code == 303
    section = db.session.execute(select(Section).where(Section.title == "Commitments")).scalar_one()
    assert fresh(w.charter).text_revision == rev + 1
    res = client.post(url(w, f"manage/sections/{section.id}/clauses"), data={
        f"s{section.id}-text": "We keep our word.", f"s{section.id}-text_revision": rev + 1})
    assert res.status_code == 303
    res = client.post(url(w, f"manage/clauses/{w.c1.id}"), data={
        "text": "We meet as equal partners.", "text_revision": rev + 2})
    assert res.status_code == 303
    c1 = fresh(w.c1)
    assert (c1.text, c1.revision, fresh(w.charter).text_revision) == (
        "We meet as equal partners.", 2, rev + 3)
    # Move clause 1.2 up, remove it, move section 3 up.
    client.post(url(w, f"manage/clauses/{w.c2.id}/move"), data={"direction": "up"})
    assert [n for n, c in [(n, c) for _s, _sec, cl in versions.numbered(fresh(w.charter))
                           for n, c in cl] if c.id == w.c2.id] == ["1.1"]
    client.post(url(w, f"manage/clauses/{w.c2.id}/remove"))
    assert fresh(w.c2).removed_at is not None
    client.post(url(w, f"manage/sections/{section.id}/move"), data={"direction": "up"})
    numbered = versions.numbered(fresh(w.charter))
    assert [(n, s.title, [c.text for _cn, c in cl]) for n, s, cl in numbered] == [
        (1, "Principles", ["We meet as equal partners."]),
        (2, "Commitments", ["We keep our word."]),
        (3, "Practice", ["We test in practice."])]
    page = client.get(url(w)).get_data(as_text=True)
    assert "We share what we learn." not in page and "Clause 2.1" in page


def test_a_stale_edit_is_a_conflict_that_keeps_the_editors_text(client, login):
    w = charter_world(phase=CharterPhase.drafting)
    other = make_user(name="Erik Editor", locale="en")
    db.session.add(CharterEditor(charter_id=w.charter.id, user_id=other.id))
    db.session.commit()
    rev = fresh(w.charter).text_revision
    login(other)
    form = client.get(url(w, f"manage/clauses/{w.c1.id}")).get_data(as_text=True)
    assert f'value="{rev}"' in form
    # Meanwhile the organiser edits the same clause.
    services.edit_clause(w.organiser, fresh(w.charter), fresh(w.c1), "We meet as peers.",
                         rev)
    db.session.commit()
    res = client.post(url(w, f"manage/clauses/{w.c1.id}"), data={
        "text": "We meet as equals, always.", "text_revision": rev})
    page = res.get_data(as_text=True)
    assert res.status_code == 409
    assert "Someone else changed the charter" in page
    assert "We meet as equals, always." in page  # the editor's text, kept
    assert "We meet as peers." in page  # the newer text, shown
    assert fresh(w.c1).text == "We meet as peers."
    # Saving again from the newer revision goes through.
    res = client.post(url(w, f"manage/clauses/{w.c1.id}"), data={
        "text": "We meet as equals, always.", "text_revision": rev + 1})
    assert res.status_code == 303 and fresh(w.c1).text == "We meet as equals, always."


def test_stale_details_and_sections_are_conflicts(client, login):
    w = charter_world(phase=CharterPhase.drafting)
    rev = fresh(w.charter).text_revision
    services.add_section(w.organiser, fresh(w.charter), "New", rev)
    db.session.commit()
    login(w.organiser)
    res = client.post(url(w, "manage"), data={"details-title": "Renamed",
                                              "details-introduction": "Mine",
                                              "details-text_revision": rev})
    assert res.status_code == 409 and "Renamed" in res.get_data(as_text=True)
    assert fresh(w.charter).title == "Samskabelsescharter"
    with pytest.raises(Conflict):
        services.rename_section(w.organiser, fresh(w.charter), fresh(w.section), "X", rev)
    db.session.rollback()


def test_in_consultation_the_text_changes_only_through_proposals(client, login):
    w = charter_world()
    login(w.organiser)
    rev = fresh(w.charter).text_revision
    res = client.post(url(w, f"manage/clauses/{w.c1.id}"), data={
        "text": "Changed directly", "text_revision": rev})
    assert res.status_code == 200
    assert "changes only through proposals" in res.get_data(as_text=True)
    res = client.post(url(w, f"manage/clauses/{w.c1.id}/remove"), follow_redirects=True)
    assert "changes only through proposals" in res.get_data(as_text=True)
    assert fresh(w.c1).text == "We meet as equals." and fresh(w.c1).removed_at is None
    assert fresh(w.charter).text_revision == rev


def test_only_editors_edit(client, login):
    w = charter_world(phase=CharterPhase.drafting)
    login(w.author)
    assert client.get(url(w, "manage")).status_code == 403
    assert client.post(url(w, f"manage/clauses/{w.c1.id}/remove")).status_code == 403
    assert fresh(w.c1).removed_at is None
    # An invited editor of a camp's charter may.
    db.session.add(CharterEditor(charter_id=w.charter.id, user_id=w.author.id))
    db.session.commit()
    assert client.get(url(w, "manage")).status_code == 200


def test_sections_are_deleted_only_when_empty(app):
    w = charter_world(phase=CharterPhase.drafting)
    with pytest.raises(DomainError, match="Kun et tomt afsnit"):
        services.delete_section(w.organiser, fresh(w.charter), fresh(w.second))
    db.session.rollback()
    empty = services.add_section(w.organiser, fresh(w.charter), "Empty", None)
    db.session.commit()
    services.delete_section(w.organiser, fresh(w.charter), fresh(empty))
    db.session.commit()
    assert [s.title for s in fresh(w.charter).sections] == ["Principles", "Practice"]


@pytest.mark.parametrize("text,message", [
    ("", "Write the text of the clause."),
    ("x" * 5001, "Keep the clause under 5,000 characters."),
])
def test_bad_clause_text_is_refused(client, login, text, message):
    w = charter_world(phase=CharterPhase.drafting)
    login(w.organiser)
    rev = fresh(w.charter).text_revision
    res = client.post(url(w, f"manage/sections/{w.section.id}/clauses"), data={
        f"s{w.section.id}-text": text, f"s{w.section.id}-text_revision": rev})
    assert res.status_code == 200 and message in res.get_data(as_text=True)
    assert len(fresh(w.section).clauses) == 2


# --- Phase, editors, versions -------------------------------------------------------------

def test_the_phase_moves_between_drafting_and_consultation(client, login):
    w = charter_world(phase=CharterPhase.drafting)
    login(w.organiser)
    res = client.post(url(w, "manage/phase"), data={"phase": "consultation"})
    assert res.status_code == 200 and "Choose a closing date in the future." in \
        res.get_data(as_text=True)
    past = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    res = client.post(url(w, "manage/phase"), data={"phase": "consultation",
                                                    "closes_at": past})
    assert res.status_code == 200 and fresh(w.charter).phase == CharterPhase.drafting
    res = client.post(url(w, "manage/phase"), data={"phase": "final"})
    assert res.status_code == 200 and fresh(w.charter).phase == CharterPhase.drafting
    future = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url(w, "manage/phase"), data={
        "phase": "consultation", "closes_at": future}).status_code == 303
    charter = fresh(w.charter)
    assert charter.phase == CharterPhase.consultation
    assert timedelta(days=9) < charter.consultation_closes_at - utcnow() < timedelta(days=11)
    assert client.post(url(w, "manage/phase"), data={"phase": "drafting"}).status_code == 303
    assert fresh(w.charter).phase == CharterPhase.drafting
    page = client.get(url(w, "manage")).get_data(as_text=True)
    assert 'value="final"' not in page


def test_editors_are_added_by_email_and_removed(client, login):
    w = charter_world(phase=CharterPhase.drafting)
    login(w.organiser)
    res = client.post(url(w, "manage/editors"), data={"email": "nobody@example.dk"})
    assert res.status_code == 200 and "Nobody has an account" in res.get_data(as_text=True)
    assert client.post(url(w, "manage/editors"), data={"email": "PETRA@example.dk"}
                       ).status_code == 303
    assert [e.user_id for e in fresh(w.charter).editors] == [w.author.id]
    res = client.post(url(w, "manage/editors"), data={"email": "petra@example.dk"})
    assert "already an editor" in res.get_data(as_text=True)
    page = client.get(url(w, "manage")).get_data(as_text=True)
    assert "Petra Proposer" in page and "data-confirm" in page
    assert client.post(url(w, "manage/editors/remove"), data={"user_id": w.author.id}
                       ).status_code == 303
    assert fresh(w.charter).editors == []


def test_save_a_version_with_a_note(client, login):
    w = charter_world(phase=CharterPhase.drafting)
    login(w.organiser)
    res = client.post(url(w, "manage/versions"), data={"note": "Nothing new"})
    assert res.status_code == 200 and "Nothing has changed since version 1." in \
        res.get_data(as_text=True)
    services.edit_clause(w.organiser, fresh(w.charter), fresh(w.c3), "We try it out.", None)
    db.session.commit()
    assert client.post(url(w, "manage/versions"), data={"note": "Wording of 2.1"}
                       ).status_code == 303
    v1, v2 = all_versions(w.charter)
    assert v2.number == 2 and v2.note == "Wording of 2.1"
    assert v2.snapshot["sections"][1]["clauses"] == [
        {"id": w.c3.id, "number": "2.1", "text": "We try it out."}]
    assert v2.changelog == [{"kind": "edit", "proposal_id": None, "clause": None,
                             "author": "Olivia Organiser", "decided_by": "Olivia Organiser",
                             "summary": "Wording of 2.1"}]


def test_a_clause_page_of_another_charter_is_not_found(client, login):
    w = charter_world(phase=CharterPhase.drafting)
    other = Charter(slug="other", title="Other")
    db.session.add(other)
    db.session.commit()
    login(w.organiser)
    assert client.get(f"/charters/other/clauses/{w.c1.id}").status_code == 404
    db.session.add(CharterEditor(charter_id=other.id, user_id=w.organiser.id))
    db.session.commit()
    assert client.get(f"/charters/other/manage/clauses/{w.c1.id}").status_code == 404
    assert db.session.get(Clause, w.c1.id) is not None
