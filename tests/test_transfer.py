"""Moving a whole camp: export -> import into a fresh installation -> export gives the
same document (ids and regenerated secrets aside), files included."""
from __future__ import annotations

import base64
import io
import json
import os
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import insert, select

from camp import create_app, uploads
from camp.db import utcnow
from camp.extensions import db
from camp.transfer import FILES, SCOPE, SECRETS, SKIPPED, parent_table, table
from camp.transfer_export import dumps, export_camp
from camp.transfer_import import ImportRefused, import_camp
from tests.conftest import FreshContextClient, new_database_url

PAST = "folkemoedet-integration"


def _png(colour=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def _one(name, **where):
    t = table(name)
    stmt = select(t)
    for key, value in where.items():
        stmt = stmt.where(t.c[key] == value)
    return db.session.execute(stmt.order_by(*t.primary_key.columns).limit(1)).mappings().one()


def _add(name, **values):
    return db.session.execute(insert(table(name)).values(**values)).inserted_primary_key[0]


def _camp_id(slug):
    return _one("camps", slug=slug)["id"]


def _seed_with_files_and_secrets():
    """The demo, plus what it lacks: stored files of every kind, and rows carrying the
    credentials the export must leave out."""
    from camp.demo import DEMO_SLUG, seed_demo
    seed_demo()
    db.session.commit()
    past, demo = _camp_id(PAST), _camp_id(DEMO_SLUG)
    now = utcnow()
    challenge = _one("challenges", camp_id=past)
    user = _one("users", id=challenge["created_by_id"] or 1)
    pdf = b"%PDF-1.4\n% a plan\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    _add("challenge_attachments", challenge_id=challenge["id"], display_name="plan.pdf",
         stored_name=uploads.store("challenges", pdf, "pdf"), content_type="pdf",
         size=len(pdf), uploaded_by_id=user["id"], created_at=now)
    prototype = _one("prototypes", camp_id=past)
    _add("prototype_files", prototype_id=prototype["id"], display_name="skitse.png",
         stored_name=uploads.store("prototypes", _png(), "png"), content_type="png",
         size=len(_png()), thumbnail_name=uploads.store("prototypes", _png((1, 2, 3)), "png"),
         is_cover=True, uploaded_by_id=user["id"], created_at=now)
    _add("prototype_files", prototype_id=prototype["id"], display_name="noter.txt",
         stored_name=uploads.store("prototypes", "Æblegrød\n".encode(), "txt"),
         content_type="text", size=10, thumbnail_name=None, is_cover=False,
         uploaded_by_id=None, created_at=now)
    trial = _one("trials", camp_id=past)
    update = _one("trial_updates", trial_id=trial["id"])
    _add("trial_photos", update_id=update["id"], display_name="foto.jpg",
         stored_name=uploads.store("trials", _jpeg(), "jpg"),
         thumbnail_name=uploads.store("trials", _jpeg(), "jpg"), content_type="jpeg",
         size=len(_jpeg()), created_at=now)
    _add("badge_settings", camp_id=past, show_organisation=True, show_role=True,
         show_actor_type=False, show_team=True, accent_colour="#1a5fb4",
         logo_file=uploads.store("badges", _png((0, 90, 0)), "png"), updated_at=now)
    # Credentials and ids hidden in values.
    _add("trial_followers", trial_id=trial["id"], user_id=user["id"],
         unsubscribe_token="follower-secret-token", created_at=now)
    review = _one("trial_reviews", trial_id=trial["id"])
    party = _one("trial_parties", trial_id=trial["id"])
    milestone = _one("trial_milestones", trial_id=trial["id"])
    for key in (f"review:{review['id']}", f"commitment:{party['id']}:{review['id']}",
                f"milestone:{milestone['id']}:2025-01-02"):
        _add("trial_reminders_sent", key=key, trial_id=trial["id"], recipients=1,
             sent_at=now)
    team = _one("teams", camp_id=demo)
    db.session.execute(table("teams").update().where(table("teams").c.id == team["id"])
                       .values(invite_nonce="team-invite-secret",
                               invite_expires_at=now + timedelta(days=2)))
    charter = _one("charters", camp_id=demo)
    version = _one("charter_versions", charter_id=charter["id"])
    _add("charter_signatures", charter_id=charter["id"], version_id=version["id"],
         organisation="Roskilde Kommune", organisation_key="roskilde kommune",
         signer_name="Rie Rask", signer_title="Direktør", email="rie@example.dk",
         user_id=None, token_hash="signature-token-hash", created_at=now)
    reg = _one("registrations", camp_id=demo)
    _add("consent_events", user_id=reg["user_id"], camp_id=demo, registration_id=reg["id"],
         kind="registration", version=1, text="Samtykke", at=now)
    _add("invitations", camp_id=demo, email="ny@example.dk", role="staff",
         invited_by_id=user["id"], created_at=now)
    db.session.commit()
    return DEMO_SLUG


def _document(slug) -> dict:
    camp = db.session.execute(select(table("camps")).where(
        table("camps").c.slug == slug)).mappings().one()
    from camp.camps.models import Camp
    return json.loads(dumps(export_camp(db.session.get(Camp, camp["id"]))))


def _normalised(doc) -> dict:
    """Ids replaced by positions (rows keep their order), so two installations compare."""
    pos = {name: {row["id"]: i for i, row in enumerate(rows)}
           for name, rows in doc["tables"].items() if "id" in table(name).c}
    pos["camps"] = {doc["camp"]["id"]: 0}

    def ref(name, value):
        return None if value is None else pos[name].get(value, ("outside", value))

    def row_of(name, row):
        out = {}
        for key, value in row.items():
            column = table(name).c.get(key)
            if key == "id":
                value = pos[name][value]
            elif column is not None and parent_table(column):
                value = ref(parent_table(column), value)
            elif (name, key) == ("registrations", "answers"):
                value = {str(ref("registration_questions", int(k))): v
                         for k, v in value.items()}
            elif (name, key) == ("seekers", "preferences"):
                value = [ref("challenges", v) for v in value]
            elif (name, key) == ("charter_versions", "snapshot"):
                value = {**value, "sections": [
                    {**s, "id": ref("charter_sections", s["id"]), "clauses": [
                        {**c, "id": ref("charter_clauses", c["id"])} for c in s["clauses"]]}
                    for s in value["sections"]]}
            elif (name, key) == ("charter_versions", "changelog"):
                value = [{**e, "proposal_id": ref("charter_proposals", e["proposal_id"])}
                         for e in value]
            elif (name, key) == ("trial_reminders_sent", "key"):
                value = re.sub(r"^(review|milestone|commitment):(\d+)(?::(\d+))?", lambda m: (
                    f"{m[1]}:{ref('trial_reviews' if m[1] == 'review' else 'trial_milestones' if m[1] == 'milestone' else 'trial_parties', int(m[2]))}"
                    + (f":{ref('trial_reviews', int(m[3]))}" if m[3] else "")), value)
            out[key] = value
        return out

    return {"format": doc["format"], "version": doc["version"],
            "camp": {**doc["camp"], "id": 0}, "users": doc["users"],
            "tables": {name: [row_of(name, r) for r in rows]
                       for name, rows in doc["tables"].items()}}


@pytest.fixture
def second_app(tmp_path):
    """Another installation: its own database and instance folder."""
    url, drop = new_database_url(tmp_path / "second")
    (tmp_path / "second").mkdir(exist_ok=True)
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'second' / 'other.sqlite3'}"
    other = create_app({"TESTING": True, "SECRET_KEY": "other", "DATABASE_URL": url,
                        "MAIL_BACKEND": "locmem", "SERVER_NAME": "localhost"})
    other.test_client_class = FreshContextClient
    other.instance_path = str(tmp_path / "second" / "instance")
    os.makedirs(other.instance_path, exist_ok=True)
    with other.app_context():
        db.create_all()
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


def test_every_table_is_exported_or_skipped_for_a_reason(app):
    assert set(SCOPE) | set(SKIPPED) == set(db.metadata.tables)
    assert not set(SCOPE) & set(SKIPPED)


def test_round_trip_into_another_installation_gives_the_same_documents(app, second_app,
                                                                      runner):
    demo = _seed_with_files_and_secrets()
    first = {slug: _document(slug) for slug in (PAST, demo)}
    text = json.dumps(first, ensure_ascii=False)
    # Credentials never leave: no password hashes, session or device tokens, secrets.
    for secret in ("follower-secret-token", "team-invite-secret", "signature-token-hash",
                   "pbkdf2:", "scrypt:", '"password_hash"', '"session_token"',
                   '"token_hash"', '"ticket_secret"', '"unsubscribe_token"', '"invite_nonce"',
                   '"scanned"', '"stored_name"', '"is_admin"'):
        assert secret not in text
    for reg in db.session.execute(select(table("registrations"))).mappings():
        assert reg["ticket_secret"] not in text
    for user in db.session.execute(select(table("users"))).mappings():
        assert user["session_token"] not in text
    past = first[PAST]
    assert past["version"] == 1 and past["camp"]["slug"] == PAST
    for name in ("prototypes", "prototype_revisions", "jury_assignments", "scores", "votes",
                 "trials", "trial_parties", "trial_commitment_revisions", "trial_milestones",
                 "trial_updates", "trial_evaluation_answers", "checkin_events", "criteria",
                 "challenge_attachments", "prototype_files", "trial_photos",
                 "badge_settings", "trial_followers", "trial_reminders_sent"):
        assert past["tables"][name], name
    for name in ("charters", "charter_sections", "charter_clauses", "charter_versions",
                 "charter_proposals", "charter_stances", "charter_comments",
                 "charter_signatures", "seekers", "consent_events", "invitations"):
        assert first[demo]["tables"][name], name
    photo = past["tables"]["trial_photos"][0]
    assert photo["file"]["content_type"] == "image/jpeg"
    assert base64.b64decode(photo["file"]["base64"]) == _jpeg()
    assert "stored_name" not in photo
    assert past["tables"]["prototype_feedback"][0]["author"].count("@") == 1

    with second_app.app_context():
        for slug, doc in first.items():
            import_camp(json.loads(json.dumps(doc)))
            db.session.commit()
        second = {slug: _document(slug) for slug in first}
        regs = db.session.execute(select(table("registrations"))).mappings().all()
        new_secrets = {r["ticket_secret"] for r in regs}
        events = db.session.execute(select(table("checkin_events"))).mappings().all()
        signature = db.session.execute(select(table("charter_signatures"))).mappings().one()
        follower = db.session.execute(select(table("trial_followers"))).mappings().one()
        stored = {r["stored_name"] for r in db.session.execute(
            select(table("prototype_files"))).mappings()}
        users = db.session.execute(select(table("users"))).mappings().all()
        files_here = {name for area in ("challenges", "prototypes", "trials", "badges")
                      for name in os.listdir(os.path.join(second_app.instance_path,
                                                          "uploads", area))}
    for slug in first:
        a, b = _normalised(first[slug]), _normalised(second[slug])
        for name in a["tables"]:  # table by table, row by row: a readable failure
            assert len(b["tables"][name]) == len(a["tables"][name]), (slug, name)
            for row_a, row_b in zip(a["tables"][name], b["tables"][name]):
                assert row_b == row_a, (slug, name)
        assert b == a, slug
        assert second[slug]["camp"]["id"] != first[slug]["camp"]["id"] or slug == demo
    # Secrets were made anew, and the scans carry the new ticket secrets.
    with app.app_context():
        old_secrets = {r["ticket_secret"] for r in db.session.execute(
            select(table("registrations"))).mappings()}
        old_stored = {r["stored_name"] for r in db.session.execute(
            select(table("prototype_files"))).mappings()}
    assert len(new_secrets) == len(regs) and not new_secrets & old_secrets
    assert all(e["scanned"] in new_secrets for e in events if e["registration_id"])
    assert signature["token_hash"] is None
    assert follower["unsubscribe_token"] not in ("follower-secret-token", "")
    assert stored and not stored & old_stored and stored <= files_here
    # People came over by e-mail, without a password.
    assert users and all(u["password_hash"] is None for u in users)


def test_import_matches_people_by_email_and_takes_a_new_slug(app, runner):
    from tests.factories import make_camp, make_registration, make_user
    organiser = make_user(email="Ole@Example.dk", locale="en")
    camp = make_camp(organiser, slug="lille-camp")
    make_registration(camp, make_user(email="deltager@example.dk"))
    out = os.path.join(app.instance_path, "lille.json")
    result = runner.invoke(args=["camp", "export-camp", "lille-camp", "--out", out])
    assert result.exit_code == 0, result.output
    assert "written to" in result.output

    result = runner.invoke(args=["camp", "import-camp", out])
    assert result.exit_code == 1 and "exists already" in result.output

    result = runner.invoke(args=["camp", "import-camp", out, "--slug", "lille-camp-kopi"])
    assert result.exit_code == 0, result.output
    assert "0 new accounts" in result.output and "ticket secrets" in result.output
    copy = _one("camps", slug="lille-camp-kopi")
    regs = db.session.execute(select(table("registrations")).where(
        table("registrations").c.camp_id == copy["id"])).mappings().all()
    assert [r["email"] for r in regs] == ["deltager@example.dk"]
    original = _one("registrations", camp_id=camp.id)
    assert regs[0]["user_id"] == original["user_id"]  # the same person, matched by e-mail
    assert regs[0]["ticket_secret"] != original["ticket_secret"]
    members = db.session.execute(select(table("memberships")).where(
        table("memberships").c.camp_id == copy["id"])).mappings().all()
    assert [m["user_id"] for m in members] == [organiser.id]


def test_unknown_versions_and_damaged_documents_are_refused(app, runner):
    from tests.factories import make_camp, make_user
    camp = make_camp(make_user(locale="en"), slug="versionstest")
    doc = json.loads(dumps(export_camp(camp)))
    with pytest.raises(ImportRefused, match="format version 99"):
        import_camp({**doc, "version": 99}, "andet")
    with pytest.raises(ImportRefused, match="not a Samskab camp export"):
        import_camp({"hello": "world"})
    broken = json.loads(json.dumps(doc))
    broken["tables"]["programme_items"] = [{"id": 1, "camp_id": 4711}]
    with pytest.raises(ImportRefused, match="damaged"):
        import_camp(broken, "andet")
    db.session.rollback()
    path = os.path.join(app.instance_path, "v99.json")
    with open(path, "w") as fh:
        json.dump({**doc, "version": 99}, fh)
    result = runner.invoke(args=["camp", "import-camp", path, "--slug", "andet"])
    assert result.exit_code == 1 and "format version 99" in result.output
    assert db.session.execute(select(table("camps").c.slug)).scalars().all() == \
        ["versionstest"]


def test_a_refused_file_rolls_the_whole_import_back(app, runner):
    from tests.factories import make_camp, make_challenge, make_user
    camp = make_camp(make_user(locale="en"), slug="filer")
    challenge = make_challenge(camp)
    _add("challenge_attachments", challenge_id=challenge.id, display_name="a.png",
         stored_name=uploads.store("challenges", _png(), "png"), content_type="png", size=1,
         created_at=utcnow())
    db.session.commit()
    doc = json.loads(dumps(export_camp(camp)))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    doc["tables"]["challenge_attachments"][0]["file"] = {
        "content_type": "image/png", "base64": base64.b64encode(svg).decode()}
    before = set(os.listdir(os.path.join(app.instance_path, "uploads", "challenges")))
    path = os.path.join(app.instance_path, "svg.json")
    with open(path, "w") as fh:
        json.dump(doc, fh)
    result = runner.invoke(args=["camp", "import-camp", path, "--slug", "filer-2"])
    assert result.exit_code == 1 and "SVG" in result.output
    assert _camp_count() == 1
    assert set(os.listdir(os.path.join(app.instance_path, "uploads", "challenges"))) == before


def _camp_count():
    return len(db.session.execute(select(table("camps").c.id)).all())


def test_export_refuses_a_missing_file(app, runner):
    from tests.factories import make_camp, make_challenge, make_user
    camp = make_camp(make_user(locale="en"), slug="mangler")
    challenge = make_challenge(camp)
    _add("challenge_attachments", challenge_id=challenge.id, display_name="a.pdf",
         stored_name="0" * 32 + ".pdf", content_type="pdf", size=1, created_at=utcnow())
    db.session.commit()
    result = runner.invoke(args=["camp", "export-camp", "mangler", "--out",
                                 os.path.join(app.instance_path, "x.json")])
    assert result.exit_code == 1 and "is missing" in result.output
    result = runner.invoke(args=["camp", "export-camp", "findes-ikke"])
    assert result.exit_code == 1 and "No camp" in result.output


def test_secret_and_file_columns_exist(app):
    for name, columns in list(SECRETS.items()) + list(FILES.items()):
        assert set(columns) <= set(table(name).c.keys()), name
