"""Inviting co-organisers, check-in staff and jury by e-mail."""
import re

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
