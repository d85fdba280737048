"""Organisations sign the final version: confirmed by e-mail, listed, withdrawn with history."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from camp.auth.services import export_user_data
from camp.charters import signatures as services
from camp.charters.models import CharterPhase, Signature
from camp.db import utcnow
from camp.errors import DomainError
from camp.extensions import db
from tests.concurrency import run_at_once
from tests.factories import make_user
from tests.test_charter_versions import charter_world

SLUG = "samskabelsescharter"
DATA = {"organisation": "Roskilde Kommune", "signer_name": "Anna Borgmester",
        "signer_title": "Borgmester", "email": "anna@roskilde.dk", "consent": "y"}


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def final_world():
    w = charter_world()
    services.declare_final(w.organiser, w.charter, w.v2)
    db.session.commit()
    return w


def _rows():
    db.session.expire_all()
    return db.session.execute(select(Signature).order_by(Signature.id)).scalars().all()


def _sign(**overrides):
    return services.sign(None, final_charter(), {**DATA, **overrides})


def final_charter():
    from camp.charters.models import Charter
    return db.session.execute(select(Charter).where(Charter.slug == SLUG)).scalar_one()


def _link(message) -> str:
    return re.search(r"http://localhost(/charters/\S+)", message.body).group(1)


# --- The whole flow through the browser ------------------------------------------------------

def test_sign_confirm_by_link_and_listed(client, outbox):
    w = final_world()
    page = client.get(f"/charters/{SLUG}/sign").get_data(as_text=True)
    assert "Organisations sign the final version (2)" in page
    r = client.post(f"/charters/{SLUG}/sign", data=DATA)
    assert r.status_code == 303
    [row] = _rows()
    assert row.confirmed_at is None and row.organisation_key == "roskilde kommune"
    assert row.version_id == w.v2.id and row.token_hash and len(row.token_hash) == 64
    # Not listed before it is confirmed.
    listing = client.get(f"/charters/{SLUG}/signatories").get_data(as_text=True)
    assert "Anna Borgmester" not in listing
    [mail] = outbox
    assert mail.to == ["anna@roskilde.dk"]
    assert "Roskilde Kommune" in mail.subject
    link = _link(mail)
    token = link.rsplit("/", 1)[1]
    assert row.token_hash != token and row.token_hash == services.hash_token(token)
    # GET shows a button and changes nothing.
    page = client.get(link).get_data(as_text=True)
    assert "Confirm the signature" in page and "Roskilde Kommune" in page
    assert _rows()[0].confirmed_at is None
    r = client.post(link)
    assert r.status_code == 303
    [row] = _rows()
    assert row.confirmed_at is not None and row.token_hash is None
    listing = client.get(r.location).get_data(as_text=True)
    assert "is confirmed" in listing
    assert "Anna Borgmester" in listing and "Borgmester" in listing
    # The link is used up.
    again = client.get(link)
    assert again.status_code == 400
    assert "not valid or has already been used" in again.get_data(as_text=True)
    # The version page lists the signatory too.
    assert "Anna Borgmester" in client.get(f"/charters/{SLUG}/versions/2").get_data(
        as_text=True)


def test_signed_in_user_gets_the_form_prefilled_and_linked(client, login, outbox):
    final_world()
    user = login(make_user(name="Bo Borger", email="bo@aarhus.dk", organisation="Aarhus Kommune",
                           locale="en"))
    page = client.get(f"/charters/{SLUG}/sign").get_data(as_text=True)
    assert 'value="Bo Borger"' in page and 'value="Aarhus Kommune"' in page
    client.post(f"/charters/{SLUG}/sign", data={**DATA, "organisation": "Aarhus Kommune",
                                                "email": "bo@aarhus.dk"})
    [row] = _rows()
    assert row.user_id == user.id
    exported = export_user_data(db.session.get(type(user), user.id))
    assert exported["charter_signatures"][0]["organisation"] == "Aarhus Kommune"


def test_non_final_charter_cannot_be_signed(client, outbox):
    charter_world()
    page = client.get(f"/charters/{SLUG}/sign").get_data(as_text=True)
    assert "has no final version yet" in page
    r = client.post(f"/charters/{SLUG}/sign", data=DATA)
    assert r.status_code == 200
    assert "has no final version yet" in r.get_data(as_text=True)
    assert _rows() == [] and outbox == []
    with pytest.raises(DomainError):
        _sign()


def test_bad_input_is_shown_on_the_form(client, outbox):
    final_world()
    r = client.post(f"/charters/{SLUG}/sign", data={**DATA, "email": "anna-at-roskilde",
                                                    "organisation": "x" * 161, "consent": ""})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Enter a valid e-mail address" in html
    assert "Keep it under 160 characters." in html
    assert "Tick the box" in html
    r = client.post(f"/charters/{SLUG}/sign", data={**DATA, "signer_name": "  "})
    assert "Write the name of the person who signs." in r.get_data(as_text=True)
    assert _rows() == [] and outbox == []


def test_the_same_organisation_cannot_sign_twice(client, outbox):
    final_world()
    client.post(f"/charters/{SLUG}/sign", data=DATA)
    r = client.post(f"/charters/{SLUG}/sign",
                    data={**DATA, "organisation": "  ROSKILDE   kommune ",
                          "email": "bo@roskilde.dk"})
    assert r.status_code == 200
    assert "has already signed this version; the signature waits for confirmation" in \
        r.get_data(as_text=True)
    assert len(_rows()) == 1 and len(outbox) == 1
    services.confirm(final_charter(), _link(outbox[0]).rsplit("/", 1)[1])
    db.session.commit()
    with pytest.raises(DomainError) as exc:
        _sign(organisation="roskilde kommune")
    assert "har allerede skrevet under på denne version af charteret" in str(exc.value.message)
    db.session.rollback()
    # Another organisation signs fine.
    _sign(organisation="Aarhus Kommune", email="a@aarhus.dk")
    db.session.commit()
    assert len(_rows()) == 2


def test_an_unconfirmed_signature_older_than_a_week_is_replaced(app):
    final_world()
    services.sign(None, final_charter(), DATA, now=utcnow() - timedelta(days=8))
    db.session.commit()
    _new, token = _sign(email="ny@roskilde.dk")
    db.session.commit()
    rows = _rows()
    assert [r.email for r in rows] == ["ny@roskilde.dk"]
    services.confirm(final_charter(), token)
    db.session.commit()


def test_an_expired_link_is_refused(client, outbox):
    final_world()
    signature, token = services.sign(None, final_charter(), DATA,
                                     now=utcnow() - timedelta(days=8))
    db.session.commit()
    r = client.get(f"/charters/{SLUG}/signatures/confirm/{token}")
    assert r.status_code == 400 and "This link has expired" in r.get_data(as_text=True)
    r = client.post(f"/charters/{SLUG}/signatures/confirm/{token}")
    assert r.status_code == 400
    assert _rows()[0].confirmed_at is None


def test_a_token_of_another_charter_does_not_confirm(client):
    final_world()
    _signature, token = _sign()
    db.session.commit()
    charter_world(slug="andet-charter")
    r = client.post(f"/charters/andet-charter/signatures/confirm/{token}")
    assert r.status_code == 400
    assert _rows()[0].confirmed_at is None


def test_two_signatures_of_one_organisation_at_once_leave_one_row(app):
    final_world()

    def job(email, org):
        return lambda: services.sign(None, final_charter(), {**DATA, "email": email,
                                                             "organisation": org})
    outcomes = run_at_once(app, [job("a@roskilde.dk", "Roskilde Kommune"),
                                 job("b@roskilde.dk", "roskilde kommune ")])
    assert sorted(o == "ok" for o in outcomes) == [False, True], outcomes
    refused = next(o for o in outcomes if o != "ok")
    assert "har allerede skrevet under på denne version" in refused
    assert db.session.execute(select(func.count()).select_from(Signature)).scalar_one() == 1


# --- Withdrawal ------------------------------------------------------------------------------

def _confirmed(**overrides):
    signature, token = _sign(**overrides)
    services.confirm(final_charter(), token)
    db.session.commit()
    return signature


def test_the_signer_withdraws_with_a_reason_kept_in_history(client, login, outbox):
    final_world()
    signature = _confirmed()
    signer = login(make_user(email="ANNA@roskilde.dk", locale="en"))
    page = client.get(f"/charters/{SLUG}/signatories").get_data(as_text=True)
    assert "Withdraw the signature" in page
    url = f"/charters/{SLUG}/signatures/{signature.id}/withdraw"
    prefix = f"withdraw-{signature.id}-"
    r = client.post(url, data={prefix + "reason": ""})
    assert r.status_code == 200
    assert "Give a reason for the withdrawal" in r.get_data(as_text=True)
    assert _rows()[0].withdrawn_at is None
    r = client.post(url, data={prefix + "reason": "Byrådet har trukket støtten."})
    assert r.status_code == 303
    [row] = _rows()
    assert row.withdrawn_at is not None and row.withdrawal_reason == "Byrådet har trukket støtten."
    assert outbox == []  # the signer did it; nobody to tell
    html = client.get(f"/charters/{SLUG}/signatories").get_data(as_text=True)
    withdrawn = html[html.index("Withdrawn signatures"):]
    assert "Roskilde Kommune" in withdrawn and "Byrådet har trukket støtten." in withdrawn
    assert "No organisation has signed yet." in html
    csv = client.get(f"/charters/{SLUG}/signatories.csv").data.decode("utf-8-sig")
    assert "Byrådet har trukket støtten." in csv
    # Signing again after the withdrawal is possible.
    _sign()
    db.session.commit()
    assert signer is not None


def test_an_editor_withdraws_and_the_signer_is_told(client, login, outbox):
    w = final_world()
    signature = _confirmed()
    login(w.organiser)
    r = client.post(f"/charters/{SLUG}/signatures/{signature.id}/withdraw",
                    data={f"withdraw-{signature.id}-reason": "Underskrevet ved en fejl."})
    assert r.status_code == 303
    assert _rows()[0].withdrawn_at is not None
    [mail] = [m for m in outbox if "trukket tilbage" in m.subject]
    assert mail.to == ["anna@roskilde.dk"] and "Underskrevet ved en fejl." in mail.body


def test_others_may_not_withdraw(client, login):
    final_world()
    signature = _confirmed()
    url = f"/charters/{SLUG}/signatures/{signature.id}/withdraw"
    data = {f"withdraw-{signature.id}-reason": "Nej"}
    assert client.post(url, data=data).status_code == 302  # anonymous: log in
    login(make_user(email="someone@example.dk", locale="en"))
    assert client.post(url, data=data).status_code == 403
    assert "Withdraw the signature" not in client.get(f"/charters/{SLUG}/signatories"
                                                      ).get_data(as_text=True)
    assert _rows()[0].withdrawn_at is None
    charter_world(slug="andet-charter")
    assert client.post(f"/charters/andet-charter/signatures/{signature.id}/withdraw",
                       data=data).status_code == 404


def test_editors_see_pending_signatures(client, login):
    w = final_world()
    _sign(organisation="Falsk Forening", email="troll@example.dk")
    db.session.commit()
    assert "Falsk Forening" not in client.get(f"/charters/{SLUG}/signatories"
                                              ).get_data(as_text=True)
    login(w.organiser)
    html = client.get(f"/charters/{SLUG}/signatories").get_data(as_text=True)
    assert "Waiting for e-mail confirmation" in html and "Falsk Forening" in html


def test_signatories_csv_and_query_count(client, query_counter):
    final_world()
    _confirmed(organisation="=HYPERLINK(1)", email="x@example.dk")

    def count():
        with query_counter() as n:
            r = client.get(f"/charters/{SLUG}/signatories")
            assert r.status_code == 200
        return n()
    few = count()
    for i in range(5):
        _confirmed(organisation=f"Forening {i}", email=f"f{i}@example.dk")
    assert count() == few
    r = client.get(f"/charters/{SLUG}/signatories.csv")
    assert r.headers["Content-Disposition"] == \
        f'attachment; filename="{SLUG}-signatories.csv"'
    body = r.data.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body and "Forening 4" in body


def test_signatures_stay_with_the_version_they_signed(app):
    w = final_world()
    _confirmed()
    w.charter.phase = CharterPhase.consultation
    db.session.commit()
    assert services.current_final(w.charter) is None
    from camp.charters import versions
    v3 = versions.create_version(w.organiser, w.charter, [])
    services.declare_final(w.organiser, w.charter, v3)
    db.session.commit()
    assert [s.version.number for s in services.signatories(w.charter)] == [2]
    assert services.signatories(w.charter, v3) == []
    # The same organisation may sign the new final version.
    _sign()
    db.session.commit()
