"""Inviting co-organisers, check-in staff and jury by e-mail."""
import re
from datetime import timedelta

from sqlalchemy import select

from camp.camps.models import Invitation, Membership, Role
from camp.extensions import db
from camp.tokens import make_token
from tests.factories import PASSWORD, add_role, make_camp, make_user


def _invite(client, login, email="ny@roskilde.dk", role="staff"):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    login(organiser)
    res = client.post(f"/camps/{camp.slug}/manage/team", data={"email": email, "role": role})
    assert res.status_code == 303
    return organiser, camp


def _link(outbox):
    return re.search(r"http://localhost(/invitations/\S+)", outbox[-1].body).group(1)


def test_invite_existing_user_who_accepts(client, login, outbox):
    _, camp = _invite(client, login)
    assert outbox[-1].to == ["ny@roskilde.dk"] and camp.title in outbox[-1].subject
    link = _link(outbox)
    login(None)
    page = client.get(link).get_data(as_text=True)
    assert "/login?next=" in page  # offers log-in and sign-up
    helper = login(make_user(email="ny@roskilde.dk"))
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 303
    assert db.session.execute(select(Membership).where(
        Membership.user_id == helper.id, Membership.role == Role.staff)).scalar_one()
    again = client.post(link)
    assert again.status_code == 400  # used once
    assert client.get(f"/camps/{camp.slug}/manage/").status_code == 403  # staff, not organiser


def test_invite_new_person_signs_up_then_accepts(client, login, outbox):
    _invite(client, login, email="frivillig@example.dk", role="organiser")
    link = _link(outbox)
    login(None)
    res = client.post(f"/signup?next={link}", data=dict(
        name="Frida Frivillig", email="frivillig@example.dk", organisation="", actor_type="citizen",
        password=PASSWORD, password_confirm=PASSWORD))
    assert res.status_code == 303 and res.headers["Location"] == link
    assert client.post(link).status_code == 303
    assert db.session.execute(select(Membership).where(
        Membership.role == Role.organiser)).scalars().all().__len__() == 2


def test_revoked_tampered_and_expired_invitations(app, client, login, outbox):
    _, camp = _invite(client, login)
    invitation = db.session.execute(select(Invitation)).scalar_one()
    link = _link(outbox)
    assert client.get(link[:-4] + "xxxx").status_code == 400
    assert client.post(f"/camps/{camp.slug}/manage/invitations/{invitation.id}/revoke"
                       ).status_code == 303
    login(make_user())
    res = client.get(link)
    assert res.status_code == 400 and "site-header" in res.get_data(as_text=True)
    app.config["TOKEN_MAX_AGE"] = -1
    with app.test_request_context():
        token = make_token("invitation", invitation.id)
    assert client.get(f"/invitations/{token}").status_code == 400


def test_duplicate_role_invitation_is_a_field_error(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    jury = make_user(email="jury@example.dk")
    add_role(jury, camp, Role.jury)
    login(organiser)
    res = client.post(f"/camps/{camp.slug}/manage/team",
                      data={"email": "JURY@example.dk", "role": "jury"})
    assert res.status_code == 200 and 'id="email-error"' in res.get_data(as_text=True)
    res = client.post(f"/camps/{camp.slug}/manage/team", data={"email": "x@y.dk",
                                                              "role": "participant"})
    assert res.status_code == 200
    assert db.session.execute(select(Invitation)).first() is None


def test_cannot_remove_the_last_organiser(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    login(organiser)
    membership = db.session.execute(select(Membership)).scalar_one()
    client.post(f"/camps/{camp.slug}/manage/members/{membership.id}/remove")
    assert db.session.execute(select(Membership)).scalar_one()
    staff = add_role(make_user(), camp, Role.staff)
    assert client.post(f"/camps/{camp.slug}/manage/members/{staff.id}/remove"
                       ).status_code == 303
    assert len(db.session.execute(select(Membership)).scalars().all()) == 1


def test_invitation_page_says_what_and_records_who_accepted(client, login, outbox):
    organiser, camp = _invite(client, login, email="jury-inbox@example.dk", role="jury")
    link = _link(outbox)
    login(None)
    page = client.get(link).get_data(as_text=True)
    assert camp.title in page and "Jury" in page and organiser.name in page
    assert f'href="/signup?next={link}"' in page and f'href="/login?next={link}"' in page
    res = client.post(link)  # not signed in: log in first, then back here
    assert res.status_code == 302 and "/login?next=" in res.headers["Location"]
    assert db.session.execute(select(Invitation)).scalar_one().accepted_at is None
    other_address = login(make_user(email="private@example.org", locale="en"))
    assert "private@example.org" in client.get(link).get_data(as_text=True)
    res = client.post(link)
    assert res.status_code == 303 and res.headers["Location"] == "/me/camps"
    invitation = db.session.execute(select(Invitation)).scalar_one()
    assert invitation.accepted_by_id == other_address.id and invitation.accepted_at
    page = client.get(link).get_data(as_text=True)
    assert "already been used" in page


def test_invited_organiser_lands_on_the_dashboard(client, login, outbox):
    _, camp = _invite(client, login, email="co@example.dk", role="organiser")
    login(make_user(email="co@example.dk"))
    res = client.post(_link(outbox))
    assert res.headers["Location"] == f"/camps/{camp.slug}/manage/"
    assert client.get(res.headers["Location"]).status_code == 200


def test_inviting_again_replaces_the_earlier_link(client, login, outbox):
    organiser, camp = _invite(client, login, email="glemsom@example.dk")
    first = _link(outbox)
    client.post(f"/camps/{camp.slug}/manage/team",
                data={"email": "Glemsom@example.dk", "role": "staff"})
    second = _link(outbox)
    assert first != second
    pending = client.get(f"/camps/{camp.slug}/manage/team").get_data(as_text=True)
    assert pending.count("<li>glemsom@example.dk") == 1
    login(make_user())
    assert client.get(first).status_code == 400
    assert client.post(second).status_code == 303


def test_invitation_mail_speaks_the_invitees_language(client, login, outbox):
    make_user(email="english@example.org", locale="en")
    _invite(client, login, email="english@example.org")
    assert outbox[-1].subject.startswith("You are invited to help run")
    assert "It is valid for 2 days" in outbox[-1].body
    _invite(client, login, email="ukendt@example.dk")
    assert not outbox[-1].subject.startswith("You are invited")


def test_team_page_marks_expired_links(app, client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    db.session.add(Invitation(camp=camp, email="gammel@example.dk", role=Role.jury,
                              invited_by_id=organiser.id,
                              created_at=camp.created_at - timedelta(days=60)))
    db.session.commit()
    login(organiser)
    app.config["TOKEN_MAX_AGE"] = 7 * 86400
    html = client.get(f"/camps/{camp.slug}/manage/team").get_data(as_text=True)
    assert "gammel@example.dk" in html and 'class="badge closed"' in html
    # The only organiser cannot be removed, so there is no button for it.
    assert "/remove" not in html
