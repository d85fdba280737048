"""Proposals on a charter: making them, stances, withdrawing, the editors' decisions,
versions, conflicts (also two editors at once), e-mails, comments, the list."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from camp.charters import comments, proposals, services, versions
from camp.charters.models import CharterComment, CharterEditor, CharterPhase, Clause, \
    ProposalKind, ProposalStatus, Stance
from camp.db import utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from tests.concurrency import run_at_once
from tests.factories import make_user
from tests.test_charters_world import all_proposals, all_versions, charter_world, fresh, url


def _propose(w, kind="replace", text="We meet as equal partners.", rationale="Clearer.",
             clause=None, section=None, author=None):
    p = proposals.propose(author or w.author, fresh(w.charter),
                          proposals.ProposalData(kind, text, rationale),
                          clause=fresh(clause or w.c1) if section is None else None,
                          section=fresh(section) if section is not None else None)
    db.session.commit()
    return p


# --- Making proposals ---------------------------------------------------------------------

def test_a_participant_proposes_a_new_wording_and_sees_the_difference(client, login):
    w = charter_world()
    login(w.author)
    form = client.get(url(w, f"clauses/{w.c1.id}/propose")).get_data(as_text=True)
    assert "Propose a change to clause 1.1" in form and "We meet as equals." in form
    res = client.post(url(w, f"clauses/{w.c1.id}/propose"), data={
        "kind": "replace", "text": "We meet as equal partners.",
        "rationale": "Partners says more."})
    assert res.status_code == 303
    [p] = all_proposals()
    assert (p.kind, p.clause_id, p.section_id, p.text, p.rationale, p.base_revision,
            p.base_text, p.status, p.author_id) == (
        ProposalKind.replace, w.c1.id, w.section.id, "We meet as equal partners.",
        "Partners says more.", 1, "We meet as equals.", ProposalStatus.open, w.author.id)
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "New wording: Clause 1.1" in page
    assert "We meet as <del>equals.</del><ins>equal partners.</ins>" in page
    assert "Partners says more." in page


def test_a_new_clause_after_one_first_in_a_section_and_a_removal(client, login):
    w = charter_world()
    login(w.author)
    assert client.post(url(w, f"clauses/{w.c2.id}/propose"), data={
        "kind": "add", "text": "We *listen* first.", "rationale": "Missing."}
    ).status_code == 303
    assert client.post(url(w, f"sections/{w.second.id}/propose"), data={
        "kind": "add", "text": "We begin with the problem.", "rationale": "Order."}
    ).status_code == 303
    assert client.post(url(w, f"clauses/{w.c3.id}/propose"), data={
        "kind": "remove", "text": "", "rationale": "Said elsewhere."}).status_code == 303
    after, first, remove = all_proposals()
    assert (after.kind, after.clause_id, after.base_text) == (ProposalKind.add, w.c2.id, "")
    assert (first.kind, first.clause_id, first.section_id) == (ProposalKind.add, None,
                                                               w.second.id)
    assert (remove.kind, remove.text, remove.base_text) == (ProposalKind.remove, "",
                                                            "We test in practice.")
    assert "After clause 1.2" in client.get(url(w, f"proposals/{after.id}")).get_data(
        as_text=True)
    assert "First in section 2" in client.get(url(w, f"proposals/{first.id}")).get_data(
        as_text=True)
    page = client.get(url(w, f"proposals/{remove.id}")).get_data(as_text=True)
    assert "<del>We test in practice.</del>" in page


@pytest.mark.parametrize("data,message", [
    ({"kind": "replace", "text": "Other words", "rationale": ""}, "Explain why"),
    ({"kind": "replace", "text": "", "rationale": "Because"}, "Write the text of the clause."),
    ({"kind": "add", "text": "x" * 5001, "rationale": "Because"},
     "Keep the clause under 5,000 characters."),
    ({"kind": "replace", "text": "Other", "rationale": "x" * 2001},
     "Keep the rationale under 2,000 characters."),
    ({"kind": "replace", "text": " We meet as equals. ", "rationale": "Because"},
     "The new wording is the same as the current text."),
    ({"kind": "sideways", "text": "Other", "rationale": "Because"}, "Not a valid choice"),
])
def test_bad_proposals_are_refused_on_the_page(client, login, data, message):
    w = charter_world()
    login(w.author)
    res = client.post(url(w, f"clauses/{w.c1.id}/propose"), data=data)
    assert res.status_code == 200 and message in res.get_data(as_text=True)
    assert all_proposals() == []


def test_no_proposals_in_drafting_after_closing_or_from_outsiders(client, login):
    w = charter_world(phase=CharterPhase.drafting)
    data = {"kind": "replace", "text": "Other words", "rationale": "Because"}
    login(w.author)
    page = client.get(url(w, f"clauses/{w.c1.id}/propose")).get_data(as_text=True)
    assert "still being drafted" in page and 'name="rationale"' not in page
    res = client.post(url(w, f"clauses/{w.c1.id}/propose"), data=data)
    assert res.status_code == 200 and "still being drafted" in res.get_data(as_text=True)
    charter = fresh(w.charter)
    charter.phase = CharterPhase.consultation
    charter.consultation_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    res = client.post(url(w, f"clauses/{w.c1.id}/propose"), data=data)
    assert "The consultation has closed." in res.get_data(as_text=True)
    charter = fresh(w.charter)
    charter.consultation_closes_at = utcnow() + timedelta(days=1)
    db.session.commit()
    login(w.outsider)  # no role or seat in the camp
    assert client.post(url(w, f"clauses/{w.c1.id}/propose"), data=data).status_code == 403
    login(None)
    assert client.post(url(w, f"clauses/{w.c1.id}/propose"), data=data).status_code == 302
    assert all_proposals() == []
    with pytest.raises(DomainError, match=r"står ikke \(længere\) i charterets tekst"):
        services_removed = fresh(w.c2)
        services_removed.removed_at = utcnow()
        db.session.commit()
        _propose(w, clause=w.c2)


# --- Stances and withdrawing --------------------------------------------------------------

def test_stances_change_and_counts_show(client, login):
    w = charter_world()
    p = _propose(w)
    login(w.supporter)
    client.post(url(w, f"proposals/{p.id}/stance"), data={"stance": "support"})
    login(w.opponent)
    client.post(url(w, f"proposals/{p.id}/stance"), data={"stance": "support"})
    client.post(url(w, f"proposals/{p.id}/stance"), data={"stance": "oppose"})
    page = client.get(url(w, f"proposals/{p.id}")).get_data(as_text=True)
    assert "1 supporter" in page and "1 opponent" in page and "You oppose this proposal." in page
    assert db.session.execute(select(Stance.user_id, Stance.value).order_by(Stance.user_id)
                              ).all() == [(w.supporter.id, 1), (w.opponent.id, -1)]
    client.post(url(w, f"proposals/{p.id}/stance"), data={"stance": "clear"})
    assert proposals.stance_counts([p.id])[p.id] == (1, 0)
    # Not on one's own proposal; not from outsiders.
    login(w.author)
    res = client.post(url(w, f"proposals/{p.id}/stance"), data={"stance": "support"},
                      follow_redirects=True)
    assert "your own proposal" in res.get_data(as_text=True)
    login(w.outsider)
    assert client.post(url(w, f"proposals/{p.id}/stance"),
                       data={"stance": "support"}).status_code == 403
    assert proposals.stance_counts([p.id])[p.id] == (1, 0)


def test_the_author_withdraws_while_open(client, login):
    w = charter_world()
    p = _propose(w)
    login(w.supporter)
    assert client.post(url(w, f"proposals/{p.id}/withdraw")).status_code == 403
    login(w.author)
    assert "Withdraw my proposal" in client.get(url(w, f"proposals/{p.id}")).get_data(
        as_text=True)
    assert client.post(url(w, f"proposals/{p.id}/withdraw")).status_code == 303
    assert fresh(p).status == ProposalStatus.withdrawn
    res = client.post(url(w, f"proposals/{p.id}/withdraw"), follow_redirects=True)
    assert "already decided or withdrawn" in res.get_data(as_text=True)
    login(w.supporter)
    client.post(url(w, f"proposals/{p.id}/stance"), data={"stance": "support"})
    assert proposals.stance_counts([p.id])[p.id] == (0, 0)


# --- Deciding -----------------------------------------------------------------------------

def test_accepting_changes_the_text_and_makes_the_next_version(client, login, outbox):
    w = charter_world()
    p = _propose(w)
    for user in (w.supporter,):
        proposals.set_stance(user, fresh(p), "support")
    proposals.set_stance(w.opponent, fresh(p), "oppose")
    db.session.commit()
    login(w.author)
    assert client.post(url(w, f"proposals/{p.id}/decide"),
                       data={"decision": "accept"}).status_code == 403
    login(w.organiser)
    res = client.post(url(w, f"proposals/{p.id}/decide"), data={
        "decision": "accept", "reason": "Agreed by the editors."})
    assert res.status_code == 303
    p = fresh(p)
    c1 = fresh(w.c1)
    assert (c1.text, c1.revision) == ("We meet as equal partners.", 2)
    v1, v2 = all_versions(w.charter)
    assert (p.status, p.decided_by_id, p.version_id, p.decision_reason) == (
        ProposalStatus.accepted, w.organiser.id, v2.id, "Agreed by the editors.")
    assert v2.number == 2 and v2.snapshot["sections"][0]["clauses"][0] == {
        "id": w.c1.id, "number": "1.1", "text": "We meet as equal partners."}
    assert v1.snapshot["sections"][0]["clauses"][0]["text"] == "We meet as equals."
    assert v2.changelog == [{"kind": "replace", "proposal_id": p.id, "clause": "1.1",
                             "author": "Petra Proposer", "decided_by": "Olivia Organiser",
                             "summary": "We meet as equal partners."}]
    page = client.get(url(w, f"proposals/{p.id}")).get_data(as_text=True)
    assert "Accepted" in page and "in version 2" in page and 'name="decision"' not in page
    # The author and the supporter are told, each in their language; not the opponent.
    assert sorted(m.to[0] for m in outbox) == ["petra@example.dk", "sven@example.dk"]
    to_author = next(m for m in outbox if m.to == ["petra@example.dk"])
    assert "Your proposal to “Samskabelsescharter” was accepted" == to_author.subject
    assert "We meet as equal partners." in to_author.body and "version 2" in to_author.body
    assert f"/charters/samskabelsescharter/proposals/{p.id}" in to_author.body
    to_supporter = next(m for m in outbox if m.to == ["sven@example.dk"])
    assert to_supporter.body.startswith("Hej")


def test_accepting_an_addition_and_a_removal(app):
    w = charter_world()
    add = _propose(w, "add", "We listen first.", clause=w.c1)
    first = _propose(w, "add", "We begin with the problem.", section=w.second)
    remove = _propose(w, "remove", "", "Said elsewhere.", clause=w.c2)
    for p in (add, first, remove):
        proposals.decide(w.organiser, fresh(p), "accept")
        db.session.commit()
    text = [(s.title, [(n, c.text) for n, c in cl])
            for _n, s, cl in versions.numbered(fresh(w.charter))]
    assert text == [("Principles", [("1.1", "We meet as equals."),
                                    ("1.2", "We listen first.")]),
                    ("Practice", [("2.1", "We begin with the problem."),
                                  ("2.2", "We test in practice.")])]
    assert fresh(w.c2).removed_at is not None
    numbers = [v.number for v in all_versions(w.charter)]
    assert numbers == [1, 2, 3, 4]
    changelogs = [v.changelog[0] for v in all_versions(w.charter)[1:]]
    assert [(e["kind"], e["clause"], e["proposal_id"]) for e in changelogs] == [
        ("add", "1.2", add.id), ("add", "2.1", first.id), ("remove", "1.3", remove.id)]
    assert all_versions(w.charter)[-1].snapshot["sections"][0]["clauses"] == [
        {"id": w.c1.id, "number": "1.1", "text": "We meet as equals."},
        {"id": fresh(add).charter.sections[0].live_clauses[1].id, "number": "1.2",
         "text": "We listen first."}]


def test_rejecting_needs_a_reason_and_tells_author_and_supporters(client, login, outbox):
    w = charter_world()
    p = _propose(w)
    proposals.set_stance(w.supporter, fresh(p), "support")
    db.session.commit()
    login(w.organiser)
    res = client.post(url(w, f"proposals/{p.id}/decide"), data={"decision": "reject"})
    assert res.status_code == 200 and "Give the reason" in res.get_data(as_text=True)
    assert fresh(p).status == ProposalStatus.open and outbox == []
    res = client.post(url(w, f"proposals/{p.id}/decide"), data={
        "decision": "reject", "reason": "Equals is the word we agreed on."})
    assert res.status_code == 303
    p = fresh(p)
    assert (p.status, p.decision_reason) == (ProposalStatus.rejected,
                                             "Equals is the word we agreed on.")
    assert fresh(w.c1).text == "We meet as equals." and len(all_versions(w.charter)) == 1
    assert sorted(m.to[0] for m in outbox) == ["petra@example.dk", "sven@example.dk"]
    assert all("Equals is the word we agreed on." in m.body for m in outbox)
    page = client.get(url(w, f"proposals/{p.id}")).get_data(as_text=True)
    assert "Rejected" in page and "Equals is the word we agreed on." in page


def test_a_proposal_on_a_changed_clause_is_a_conflict_and_nothing_changes(client, login,
                                                                          outbox):
    w = charter_world()
    first = _propose(w)
    second = _propose(w, text="We meet as equals and peers.", author=w.supporter)
    proposals.decide(w.organiser, fresh(first), "accept")
    db.session.commit()
    login(w.author)
    page = client.get(url(w, f"proposals/{second.id}")).get_data(as_text=True)
    assert "The clause has changed since this proposal was made." in page
    assert "We meet as <del>equal partners.</del><ins>equals and peers.</ins>" in page
    outbox.clear()
    login(w.organiser)
    res = client.post(url(w, f"proposals/{second.id}/decide"), data={"decision": "accept"})
    assert res.status_code == 409
    assert "the clause has changed since this proposal was made; ask the author to make a " \
        "new proposal or reject it" in res.get_data(as_text=True).lower()
    assert fresh(second).status == ProposalStatus.open
    assert fresh(w.c1).text == "We meet as equal partners."
    assert len(all_versions(w.charter)) == 2 and outbox == []
    # Rejecting it still works.
    assert client.post(url(w, f"proposals/{second.id}/decide"), data={
        "decision": "reject", "reason": "Overtaken."}).status_code == 303


def test_two_editors_accepting_on_one_clause_at_once_one_wins(app):
    w = charter_world()
    a = _propose(w)
    b = _propose(w, text="We meet as peers.", author=w.supporter)
    second_editor = make_user(name="Erik Editor")
    db.session.add(CharterEditor(charter_id=w.charter.id, user_id=second_editor.id))
    db.session.commit()
    charter_id, ids, clause_id = w.charter.id, (a.id, b.id), w.c1.id
    editors = (w.organiser.id, second_editor.id)
    db.session.remove()

    def accept(proposal_id, editor_id):
        def job():
            from camp.auth.models import User
            from camp.charters.models import Proposal
            proposal = db.session.get(Proposal, proposal_id)
            proposals.decide(db.session.get(User, editor_id), proposal, "accept")
        return job

    outcomes = run_at_once(app, [accept(ids[0], editors[0]), accept(ids[1], editors[1])])
    assert sorted(outcomes) == sorted(["ok", str(proposals.CLAUSE_CHANGED)]), outcomes
    statuses = [p.status for p in all_proposals()]
    assert sorted(s.value for s in statuses) == ["accepted", "open"]
    winner = next(p for p in all_proposals() if p.status == ProposalStatus.accepted)
    versions_ = all_versions(type("C", (), {"id": charter_id}))
    assert [v.number for v in versions_] == [1, 2]
    assert db.session.get(Clause, clause_id).text == winner.text
    assert db.session.get(Clause, clause_id).revision == 2


def test_deciding_twice_is_refused(app):
    w = charter_world()
    p = _propose(w)
    proposals.decide(w.organiser, fresh(p), "reject", "No.")
    db.session.commit()
    with pytest.raises(Conflict):
        proposals.decide(w.organiser, fresh(p), "accept")
    db.session.rollback()


# --- Comments -----------------------------------------------------------------------------

def test_comments_on_clauses_and_proposals_with_tags_and_replies(client, login):
    w = charter_world()
    p = _propose(w)
    login(w.supporter)
    res = client.post(url(w, f"clauses/{w.c1.id}/comments"), data={
        "comment-tag": "question", "comment-body": "What does equal mean?"})
    assert res.status_code == 303
    [top] = db.session.execute(select(CharterComment)).scalars().all()
    assert res.headers["Location"].endswith(f"#comment-{top.id}")
    login(w.author)
    client.post(url(w, f"clauses/{w.c1.id}/comments"), data={
        "reply_to": top.id, f"reply-{top.id}-tag": "note",
        f"reply-{top.id}-body": "Same say in decisions."})
    reply = db.session.execute(select(CharterComment).where(
        CharterComment.parent_id == top.id)).scalar_one()
    # A reply to the reply goes under the top comment.
    client.post(url(w, f"clauses/{w.c1.id}/comments"), data={
        "reply_to": reply.id, f"reply-{reply.id}-tag": "suggestion",
        f"reply-{reply.id}-body": "Say so in the text."})
    db.session.expire_all()
    assert [(c.parent_id, c.tag.value) for c in db.session.execute(
        select(CharterComment).order_by(CharterComment.id)).scalars()] == [
        (None, "question"), (top.id, "note"), (top.id, "suggestion")]
    page = client.get(url(w, f"clauses/{w.c1.id}")).get_data(as_text=True)
    assert page.index("What does equal mean?") < page.index("Same say in decisions.") \
        < page.index("Say so in the text.")
    assert "Question" in page and "Suggestion" in page and "Sven Supporter" in page
    # On a proposal; bad input re-renders.
    res = client.post(url(w, f"proposals/{p.id}/comments"), data={
        "comment-tag": "note", "comment-body": "   "})
    assert res.status_code == 200 and "Write your comment." in res.get_data(as_text=True)
    res = client.post(url(w, f"proposals/{p.id}/comments"), data={
        "comment-tag": "note", "comment-body": "x" * 5001})
    assert "Keep it under 5,000 characters." in res.get_data(as_text=True)
    client.post(url(w, f"proposals/{p.id}/comments"), data={
        "comment-tag": "suggestion", "comment-body": "Add 'and peers'."})
    assert "Add &#39;and peers&#39;." in client.get(url(w, f"proposals/{p.id}")).get_data(
        as_text=True)
    # A reply naming a comment of another discussion is refused.
    res = client.post(url(w, f"proposals/{p.id}/comments"), data={
        "reply_to": top.id, f"reply-{top.id}-tag": "note", f"reply-{top.id}-body": "Hi"})
    assert "not in this discussion" in res.get_data(as_text=True)
    # Outsiders do not write; editors delete with the replies.
    login(w.outsider)
    assert client.post(url(w, f"clauses/{w.c1.id}/comments"), data={
        "comment-body": "Hi"}).status_code == 403
    login(w.author)
    assert client.post(url(w, f"comments/{top.id}/delete")).status_code == 403
    login(w.organiser)
    assert client.post(url(w, f"comments/{top.id}/delete")).status_code == 303
    db.session.expire_all()
    assert [c.proposal_id for c in db.session.execute(select(CharterComment)).scalars()] \
        == [p.id]


def test_no_comments_once_final(app):
    w = charter_world()
    charter = fresh(w.charter)
    charter.phase = CharterPhase.final
    db.session.commit()
    with pytest.raises(DomainError, match="debatten er lukket"):
        comments.add(w.author, fresh(w.charter), "Late", clause=fresh(w.c1))
    db.session.rollback()


# --- The list -----------------------------------------------------------------------------

def test_the_list_filters_and_pages_in_constant_queries(client, login, query_counter):
    w = charter_world()
    for i in range(3):
        _propose(w, text=f"Clause one, take {i}.")
    done = _propose(w, clause=w.c3, text="Trials.")
    proposals.decide(w.organiser, fresh(done), "reject", "No.")
    db.session.commit()
    login(w.opponent)
    page = client.get(url(w, "proposals/")).get_data(as_text=True)
    assert "4 proposals." in page and page.count("proposal-item") == 4
    page = client.get(url(w, "proposals/?status=rejected")).get_data(as_text=True)
    assert "1 proposal." in page and "Clause 2.1" in page and "Clause 1.1" not in page
    page = client.get(url(w, f"proposals/?clause={w.c1.id}")).get_data(as_text=True)
    assert "3 proposals." in page
    assert "No proposals match" in client.get(
        url(w, f"proposals/?clause={w.c2.id}")).get_data(as_text=True)
    with query_counter() as few:
        client.get(url(w, "proposals/"))
    for i in range(25):
        p = _propose(w, text=f"More {i}.")
        proposals.set_stance(w.supporter, fresh(p), "support")
        comments.add(w.opponent, fresh(w.charter), "Hm", proposal=fresh(p))
        db.session.commit()
    with query_counter() as many:
        page = client.get(url(w, "proposals/")).get_data(as_text=True)
    assert few() == many()
    assert page.count("proposal-item") == 20 and "Page 1 of 2" in page
    page2 = client.get(url(w, "proposals/?page=2")).get_data(as_text=True)
    assert page2.count("proposal-item") == 9


def test_the_working_text_page_in_constant_queries(client, login, query_counter):
    w = charter_world()
    login(w.author)
    with query_counter() as few:
        client.get(url(w))
    for i in range(10):
        services.insert_clause(fresh(w.section), f"Clause {i}", at_end=True)
    db.session.commit()
    for i in range(5):
        _propose(w, clause=w.c2, text=f"Share {i}")
    with query_counter() as many:
        client.get(url(w))
    assert few() == many()


# --- Personal data ------------------------------------------------------------------------

def test_proposals_comments_and_stances_are_in_the_personal_data_export(app):
    from camp.auth.services import export_user_data
    w = charter_world()
    p = _propose(w)
    comments.add(w.author, fresh(w.charter), "My note", clause=fresh(w.c2))
    other = _propose(w, text="Peers.", author=w.supporter)
    proposals.set_stance(w.author, fresh(other), "oppose")
    db.session.commit()
    data = export_user_data(fresh(w.author))
    assert [(x["id"], x["text"]) for x in data["charter_proposals"]] == [
        (p.id, "We meet as equal partners.")]
    assert [x["body"] for x in data["charter_comments"]] == ["My note"]
    assert data["charter_stances"] == [{
        "charter": "samskabelsescharter", "proposal_id": other.id, "stance": "oppose",
        "at": data["charter_stances"][0]["at"]}]
