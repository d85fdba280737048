"""The parties of a trial and their commitments: the informal contract with its history."""
import pytest
from sqlalchemy import select

from camp.auth.services import export_user_data
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.trials import parties as services
from camp.trials.models import CommitmentRevision, Party, PartyRole
from tests.factories import make_user
from tests.test_trials import start, trial_world


@pytest.fixture
def w(app):
    w = trial_world()
    w.trial = start(w)
    w.owner_party = w.trial.parties[0]
    return w


def _party_form(**change):
    data = {"organisation": "Ældresagen Aarhus", "contact_name": "Pia Partner",
            "contact_email": "PIA@example.dk", "role": "citizen_group",
            "leadership": "facilitating"}
    data.update(change)
    return data


def _add(w, **change):
    party = services.add_party(w.owner, w.trial, services.PartyData(**{
        "organisation": "Ældresagen Aarhus", "contact_email": "pia@example.dk",
        "role": "citizen_group", "leadership": "facilitating", **change}))
    db.session.commit()
    return party


def _history(party):
    db.session.expire_all()
    return db.session.execute(
        select(CommitmentRevision).where(CommitmentRevision.party_id == party.id)
        .order_by(CommitmentRevision.number)).scalars().all()


def test_managers_add_a_party_whose_contact_is_found_by_email(client, login, w, outbox):
    login(w.owner)
    assert "Add a party to the trial" in client.get(
        f"/trials/{w.trial.id}/parties/new").get_data(as_text=True)
    res = client.post(f"/trials/{w.trial.id}/parties/new", data=_party_form())
    assert res.status_code == 303
    party = db.session.execute(select(Party).where(Party.id != w.owner_party.id)).scalar_one()
    assert res.headers["Location"].endswith(f"/trials/{w.trial.id}#party-{party.id}")
    assert (party.organisation, party.contact_email, party.user_id, party.role,
            party.leadership.value, party.agreed_at) == (
        "Ældresagen Aarhus", "pia@example.dk", w.partner.id, PartyRole.citizen_group,
        "facilitating", None)
    page = client.get(f"/trials/{w.trial.id}").get_data(as_text=True)
    assert "Ældresagen Aarhus" in page and "Citizen group" in page and "Not agreed yet" in page
    # The contact is asked, by e-mail, to write and agree to the commitment.
    [mail] = outbox
    assert mail.to == ["pia@example.dk"] and "Ældresagen Aarhus" in mail.subject
    assert "Olga Ejer has added Ældresagen Aarhus" in mail.body
    assert f"/trials/{w.trial.id}/parties/{party.id}/commitment" in mail.body


def test_party_without_account_and_bad_input(client, login, w):
    login(w.organiser)
    res = client.post(f"/trials/{w.trial.id}/parties/new",
                      data=_party_form(contact_email="ny@example.dk"), follow_redirects=True)
    assert "has no account with that e-mail yet" in res.get_data(as_text=True)
    party = db.session.execute(select(Party).where(Party.contact_email == "ny@example.dk")
                               ).scalar_one()
    assert party.user_id is None
    for bad, message in (({"organisation": ""}, "Name the organisation or group."),
                         ({"contact_email": "not-an-address"}, "Enter a valid e-mail"),
                         ({"role": "owner"}, "Not a valid choice"),
                         ({"role": "boss"}, "Not a valid choice")):
        res = client.post(f"/trials/{w.trial.id}/parties/new", data=_party_form(**bad))
        assert res.status_code == 200 and message in res.get_data(as_text=True), bad
    assert len(db.session.execute(select(Party)).scalars().all()) == 2
    with pytest.raises(DomainError, match="har allerede en problemejer"):
        services.add_party(w.owner, w.trial, services.PartyData(organisation="X",
                                                                role="owner"))
    db.session.rollback()
    # One person speaks for one party.
    with pytest.raises(DomainError, match="er allerede kontaktperson"):
        services.add_party(w.owner, w.trial, services.PartyData(
            organisation="Y", contact_email="olga@example.dk"))
    db.session.rollback()


def test_only_managers_add_and_remove_parties(client, login, w):
    party = _add(w)
    for user in (w.partner, w.lead, w.outsider):
        login(user)
        assert client.get(f"/trials/{w.trial.id}/parties/new").status_code == 403
        assert client.post(f"/trials/{w.trial.id}/parties/new",
                           data=_party_form(organisation="Snyd")).status_code == 403
        assert client.post(f"/trials/{w.trial.id}/parties/{party.id}/remove"
                           ).status_code == 403
    login(w.owner)
    res = client.post(f"/trials/{w.trial.id}/parties/{w.owner_party.id}/remove",
                      follow_redirects=True)
    assert "party stays" in res.get_data(as_text=True)
    party_id = party.id
    res = client.post(f"/trials/{w.trial.id}/parties/{party_id}/remove")
    assert res.status_code == 303
    assert db.session.execute(select(Party.id).where(Party.id == party_id)).first() is None
    # A party that has agreed stays, as the contract's history.
    agreed = _add(w, organisation="Røde Kors", contact_email="")
    services.write_commitment(w.owner, agreed, "x", "", 1)
    db.session.commit()
    with pytest.raises(DomainError, match="har godkendt en forpligtelse"):
        services.remove_party(w.owner, w.trial, agreed)


def test_the_party_writes_and_agrees_then_changes_with_history(client, login, w):
    party = _add(w)
    login(w.partner)
    page = client.get(f"/trials/{w.trial.id}/parties/{party.id}/commitment").get_data(
        as_text=True)
    assert "Agree to this commitment" in page
    res = client.post(f"/trials/{w.trial.id}/parties/{party.id}/commitment", data={
        "revision": "1", "commitment": "Ti frivillige besøgsvenner.",
        "resources": "Et mødelokale."})
    assert res.status_code == 303
    db.session.refresh(party)
    assert party.agreed_at is not None and party.agreed_by_id == w.partner.id
    assert (party.commitment, party.resources, party.revision) == (
        "Ti frivillige besøgsvenner.", "Et mødelokale.", 2)
    [agreed] = _history(party)
    assert (agreed.number, agreed.kind, agreed.changed_by_id) == (1, "agreed", w.partner.id)
    # A later change: a new revision, the old text kept.
    res = client.post(f"/trials/{w.trial.id}/parties/{party.id}/commitment", data={
        "revision": "2", "commitment": "Otte frivillige besøgsvenner.",
        "resources": "Et mødelokale.", "note": "To er flyttet."})
    assert res.status_code == 303
    first, second = _history(party)
    assert (second.number, second.kind, second.note, second.commitment) == (
        2, "changed", "To er flyttet.", "Otte frivillige besøgsvenner.")
    assert first.commitment == "Ti frivillige besøgsvenner."
    db.session.refresh(party)
    assert party.revision == 3 and party.commitment == "Otte frivillige besøgsvenner."
    # Saving the same text again is not a change.
    res = client.post(f"/trials/{w.trial.id}/parties/{party.id}/commitment", data={
        "revision": "3", "commitment": "Otte frivillige besøgsvenner.",
        "resources": "Et mødelokale."})
    assert res.status_code == 200 and "Nothing has changed" in res.get_data(as_text=True)
    assert len(_history(party)) == 2
    # An empty commitment is refused.
    res = client.post(f"/trials/{w.trial.id}/parties/{party.id}/commitment", data={
        "revision": "3", "commitment": "  "})
    assert res.status_code == 200 and "Write what your party commits to." in \
        res.get_data(as_text=True)


def test_a_stale_commitment_form_is_a_conflict(client, login, w):
    party = _add(w)
    services.write_commitment(w.partner, party, "Ti frivillige.", "", 1)
    db.session.commit()
    login(w.partner)
    res = client.post(f"/trials/{w.trial.id}/parties/{party.id}/commitment", data={
        "revision": "1", "commitment": "Min egen tekst.", "resources": ""})
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "The commitment was changed meanwhile" in page
    assert "Min egen tekst." in page and "Ti frivillige." in page
    assert 'name="revision" type="hidden" value="2"' in page
    db.session.refresh(party)
    assert party.commitment == "Ti frivillige." and len(_history(party)) == 1
    with pytest.raises(Conflict):
        services.write_commitment(w.partner, party, "Andet.", "", 1)


def test_a_party_cannot_write_another_partys_commitment(client, login, w):
    party = _add(w)
    url = f"/trials/{w.trial.id}/parties/{party.id}/commitment"
    # The owner runs the trial, but speaks only for its own party.
    for user in (w.owner, w.organiser, w.lead, w.outsider):
        login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, data={"revision": "1", "commitment": "Snyd"}
                           ).status_code == 403
    login(w.partner)
    owner_url = f"/trials/{w.trial.id}/parties/{w.owner_party.id}/commitment"
    assert client.post(owner_url, data={"revision": "1", "commitment": "Snyd"}
                       ).status_code == 403
    db.session.refresh(party)
    db.session.refresh(w.owner_party)
    assert party.agreed_at is None and w.owner_party.agreed_at is None
    assert db.session.execute(select(CommitmentRevision)).first() is None
    # The managers speak for the owner's party.
    login(w.organiser)
    assert client.post(owner_url, data={"revision": "1", "commitment": "To medarbejdere."}
                       ).status_code == 303
    # A party id of another trial answers 404.
    other = start(w, title="Anden afprøvning")
    login(w.partner)
    assert client.get(f"/trials/{other.id}/parties/{party.id}/commitment").status_code == 404


def test_contract_page_shows_commitments_and_history(client, login, w):
    party = _add(w, contact_name="Pia Partner")
    services.write_commitment(w.owner, w.owner_party, "To medarbejdere i hjemmeplejen.",
                              "Kørsel og telefoner.", 1)
    services.write_commitment(w.partner, party, "Ti frivillige besøgsvenner.", "", 1)
    db.session.commit()
    services.write_commitment(w.partner, party, "Otte frivillige besøgsvenner.", "",
                              2, note="To er flyttet.")
    db.session.commit()
    login(None)
    res = client.get(f"/trials/{w.trial.id}/contract")
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "<script" not in page.split("</footer>")[0]
    for text in ("Uformel kontrakt", w.trial.title, "Aarhus Kommune", "Problemejer",
                 "Definerende ledelse", "To medarbejdere i hjemmeplejen.",
                 "Kørsel og telefoner.", "Ældresagen Aarhus", "Borgergruppe",
                 "Faciliterende ledelse", "Pia Partner", "Otte frivillige besøgsvenner.",
                 "Ti frivillige besøgsvenner.", "To er flyttet.", "Ændret", "Godkendt",
                 "Forpligtelsens historik"):
        assert text in page, text
    # Newest first in the history; e-mail addresses are not printed.
    assert page.index("Otte frivillige") < page.index("Ti frivillige besøgsvenner.")
    assert "pia@example.dk" not in page


def test_personal_data_export_and_erasure(client, login, w):
    party = _add(w, contact_name="Pia Partner")
    services.write_commitment(w.partner, party, "Ti frivillige.", "Kaffe.", 1)
    db.session.commit()
    data = export_user_data(w.partner)
    [mine] = data["trial_parties"]
    assert (mine["organisation"], mine["contact_email"], mine["commitment"]) == (
        "Ældresagen Aarhus", "pia@example.dk", "Ti frivillige.")
    [rev] = data["commitment_revisions"]
    assert (rev["kind"], rev["commitment"], rev["trial"]) == (
        "agreed", "Ti frivillige.", w.trial.title)
    from camp.auth.services import delete_account
    from tests.factories import PASSWORD
    delete_account(w.partner, PASSWORD)
    db.session.commit()
    db.session.refresh(party)
    assert (party.user_id, party.contact_name, party.contact_email) == (None, "", "")
    assert party.commitment == "Ti frivillige."  # the contract's history stays


def test_contract_and_reviews_pages_use_a_constant_number_of_queries(client, login, w,
                                                                    query_counter):
    from camp.trials import reviews

    def grow(n):
        for i in range(n):
            user = make_user(locale="en")
            party = services.add_party(w.owner, w.trial, services.PartyData(
                organisation=f"Forening {i}", contact_email=user.email))
            db.session.commit()
            services.write_commitment(user, party, f"Vi giver {i} timer.", "", 1)
            db.session.commit()
            services.write_commitment(user, party, f"Vi giver {i + 1} timer.", "", 2)
            db.session.commit()

    def counts():
        login(w.owner)
        out = []
        for url in (f"/trials/{w.trial.id}/contract", f"/trials/{w.trial.id}/reviews"):
            with query_counter() as n:
                assert client.get(url).status_code == 200
            out.append(n())
        return out

    grow(1)
    review = db.session.execute(select(reviews.Review)).scalar_one()
    reviews.hold(w.owner, w.trial, review, "Holdt.")
    db.session.commit()
    before = counts()
    grow(5)
    assert counts() == before
