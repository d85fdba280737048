"""A trial's progress: milestones (overdue in the camp's time zone), updates with progress,
status and photos, the timeline, following, the update e-mails and the unsubscribe link."""
import html
import io
import os
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import func, select

from camp.audit import AuditEvent
from camp.errors import DomainError
from camp.extensions import db
from camp.trials import followers, milestones, updates
from camp.trials.models import Follower, Milestone, Party, PartyRole, Trial, TrialPhoto, \
    TrialPrototype, TrialStatus, TrialUpdate
from tests.factories import make_camp, make_challenge, make_prototype, make_team, make_user


def trial_world(status=TrialStatus.running, tag="", **trial_kw):
    organiser = make_user(name="Ole Organisator", locale="en")
    camp = make_camp(organiser=organiser)
    owner = make_user(name="Olga Ejer", email=f"olga{tag}@example.dk", locale="en")
    challenge = make_challenge(camp, owner, title="Ensomhed blandt ældre")
    lead = make_user(name="Lene Leder", email=f"lene{tag}@example.dk", locale="en")
    member = make_user(name="Mads Medlem", email=f"mads{tag}@example.dk", locale="da")
    team = make_team(camp, challenge, lead=lead, members=[member], name="Hold Nord")
    prototype = make_prototype(team, title="Besøgsven på hjul")
    trial = Trial(camp_id=camp.id, challenge_id=challenge.id, title="Besøgsven i hjemmeplejen",
                  purpose="Færre ensomme ældre.", values=["quality"], status=status,
                  progress=20, **trial_kw)
    db.session.add(trial)
    db.session.flush()
    db.session.add(TrialPrototype(trial_id=trial.id, prototype_id=prototype.id))
    db.session.add(Party(trial_id=trial.id, organisation="Roskilde Kommune",
                         user_id=owner.id, role=PartyRole.owner))
    db.session.commit()
    stranger = make_user(name="Sara Fremmed", locale="en")
    return SimpleNamespace(camp=camp, organiser=organiser, owner=owner, challenge=challenge,
                           lead=lead, member=member, team=team, prototype=prototype,
                           trial=trial, stranger=stranger, base=f"/trials/{trial.id}")


@pytest.fixture
def w(app):
    return trial_world()


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _png(size=(1200, 800)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (20, 120, 90)).save(buf, format="PNG")
    return buf.getvalue()


SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
       b"<script>alert(1)</script></svg>")


def _count(model, *where):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _stored(app):
    folder = os.path.join(app.instance_path, "uploads", updates.AREA)
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


# --- Milestones ---------------------------------------------------------------------------

def test_owner_adds_edits_marks_done_and_deletes_a_milestone(client, login, w):
    login(w.owner)
    due = date.today() + timedelta(days=10)
    r = client.post(w.base + "/milestones", data={"title": "  Første   besøg ",
                                                   "due_on": due.isoformat()})
    assert r.status_code == 303
    m = db.session.execute(select(Milestone)).scalar_one()
    assert (m.title, m.due_on, m.done_at) == ("Første besøg", due, None)
    page = _text(client.get(r.headers["Location"]))
    assert "The milestone “Første besøg” is added." in page and "Første besøg" in page

    new_due = due + timedelta(days=5)
    r = client.post(f"{w.base}/milestones/{m.id}/edit",
                    data={"title": "Første besøg hos borger", "due_on": new_due.isoformat()})
    assert r.status_code == 303
    db.session.refresh(m)
    assert (m.title, m.due_on) == ("Første besøg hos borger", new_due)

    assert client.post(f"{w.base}/milestones/{m.id}/done").status_code == 303
    db.session.refresh(m)
    assert m.done_at is not None and m.done_by_id == w.owner.id
    # Done twice (a double click): nothing changes, no error.
    done_at = m.done_at
    assert client.post(f"{w.base}/milestones/{m.id}/done").status_code == 303
    db.session.refresh(m)
    assert m.done_at == done_at
    assert client.post(f"{w.base}/milestones/{m.id}/undo").status_code == 303
    db.session.refresh(m)
    assert m.done_at is None and m.done_by_id is None

    r = client.post(f"{w.base}/milestones/{m.id}/delete")
    assert r.status_code == 303
    assert _count(Milestone) == 0
    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars()
    assert [a for a in actions if a.startswith("trial.milestone")] == [
        "trial.milestone_add", "trial.milestone_edit", "trial.milestone_done",
        "trial.milestone_undone", "trial.milestone_delete"]


def test_bad_milestones_are_refused_and_nothing_is_stored(client, login, w):
    login(w.owner)
    r = client.post(w.base + "/milestones", data={"title": "", "due_on": ""})
    assert r.status_code == 200
    page = _text(r)
    assert "Give the milestone a title." in page
    assert "Enter the date the milestone is due." in page
    r = client.post(w.base + "/milestones", data={"title": "x" * 201, "due_on": "2027-02-30"})
    assert r.status_code == 200
    assert "Keep the title under 200 characters." in _text(r)
    assert _count(Milestone) == 0
    with pytest.raises(DomainError):
        milestones.add(w.owner, w.trial, "   ", date.today())
    with pytest.raises(DomainError):
        milestones.add(w.owner, w.trial, "Ok", None)


def test_only_the_trials_managers_change_milestones(client, login, w):
    m = milestones.add(w.owner, w.trial, "Første besøg", date.today())
    db.session.commit()
    other = trial_world(tag="2")
    for user, status in ((w.stranger, 403), (w.lead, 403), (other.owner, 403),
                         (w.organiser, 303)):
        login(user)
        assert client.post(f"{w.base}/milestones/{m.id}/done").status_code == status
    login(None)
    assert client.post(f"{w.base}/milestones/{m.id}/done").status_code == 302
    # A milestone of another trial, through this trial's address: 404.
    login(other.owner)
    om = milestones.add(other.owner, other.trial, "Andet", date.today())
    db.session.commit()
    login(w.owner)
    assert client.post(f"{w.base}/milestones/{om.id}/delete").status_code == 404
    assert _count(Milestone, Milestone.id == om.id) == 1


def test_overdue_is_counted_in_the_camps_time_zone(app):
    w = trial_world()
    m = Milestone(trial_id=w.trial.id, title="Kickoff", due_on=date(2027, 3, 1))
    # 23:30 UTC on 1 March is already 2 March in Copenhagen (and still 1 March in UTC).
    late = datetime(2027, 3, 1, 23, 30, tzinfo=timezone.utc)
    assert milestones.today_in(w.camp, late) == date(2027, 3, 2)
    assert milestones.is_overdue(m, milestones.today_in(w.camp, late))
    w.camp.timezone = "America/New_York"
    assert milestones.today_in(w.camp, late) == date(2027, 3, 1)
    assert not milestones.is_overdue(m, milestones.today_in(w.camp, late))
    m.done_at = late
    assert not milestones.is_overdue(m, date(2027, 4, 1))


def test_the_panel_lists_milestones_by_due_date_and_marks_the_overdue(client, login, w):
    today = date.today()
    # The overdue milestone is called "Bagud": its badge reads "Forsinket" (Danish for
    # "Overdue"), so a title of that word would hide a missing badge.
    for title, days in (("Senere", 20), ("Bagud", -3), ("Snart", 2)):
        db.session.add(Milestone(trial_id=w.trial.id, title=title,
                                 due_on=today + timedelta(days=days)))
    done = Milestone(trial_id=w.trial.id, title="Klaret tidligere",
                     due_on=today - timedelta(days=9),
                     done_at=datetime.now(timezone.utc))
    db.session.add(done)
    db.session.commit()
    page = _text(client.get(w.base))  # the trial's page (part F) includes our panel
    assert page.index("Klaret tidligere") < page.index("Bagud") < page.index("Snart") \
        < page.index("Senere")
    overdue_item = page[page.index("Bagud"):page.index("Snart")]
    assert "Forsinket" in overdue_item
    assert "Forsinket" not in page[page.index("Snart"):page.index("Senere")]
    assert "Forsinket" not in page[page.index("Klaret tidligere"):page.index("Bagud")]
    assert "Markér som udført" not in page  # anonymous readers see no buttons
    login(w.owner)
    page = _text(client.get(w.base))
    assert "Mark done" in page and "Add a milestone" in page


# --- Updates ------------------------------------------------------------------------------

def _post(client, w, data, files=()):
    payload = dict(data)
    if files:
        payload["photos"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post(w.base + "/updates", data=payload, content_type="multipart/form-data")


def test_an_update_with_progress_goes_on_the_timeline(client, login, w):
    login(w.owner)
    r = _post(client, w, {"body": "Ti besøg i første uge.", "progress": "45"})
    assert r.status_code == 303
    u = db.session.execute(select(TrialUpdate)).scalar_one()
    assert (u.body, u.progress, u.author_id, u.status_to) == (
        "Ti besøg i første uge.", 45, w.owner.id, None)
    trial = db.session.get(Trial, w.trial.id)
    assert trial.progress == 45 and trial.last_update_at is not None
    page = _text(client.get(r.headers["Location"]))
    assert "The update is posted." in page
    assert "Ti besøg i første uge." in page and "Olga Ejer" in page and "Progress: 45 %" in page


@pytest.mark.parametrize("progress", ["101", "-1", "abc", "12.5"])
def test_bad_progress_is_refused_and_nothing_is_stored(client, login, w, progress):
    login(w.owner)
    r = _post(client, w, {"body": "Godt i gang.", "progress": progress},
              files=[(_png(), "foto.png")])
    assert r.status_code == 200
    assert "Progress is a whole number from 0 to 100." in _text(r)
    assert _count(TrialUpdate) == 0 and _count(TrialPhoto) == 0
    assert db.session.get(Trial, w.trial.id).progress == 20
    assert _stored(client.application) == []


def test_the_service_refuses_bad_progress_and_empty_text(w):
    for progress in (101, -5, True, "50"):
        with pytest.raises(DomainError) as exc:
            updates.post_update(w.owner, w.trial, "Tekst", progress=progress)
        assert exc.value.field == "progress"
    with pytest.raises(DomainError) as exc:
        updates.post_update(w.owner, w.trial, "   ")
    assert exc.value.field == "body"
    with pytest.raises(DomainError):
        updates.post_update(w.owner, w.trial, "x" * 5001)
    db.session.rollback()
    assert _count(TrialUpdate) == 0


def test_a_real_png_is_stored_with_a_thumbnail_and_served_to_readers(app, client, login, w):
    login(w.owner)
    r = _post(client, w, {"body": "Første besøg er gået godt."},
              files=[(_png(), "besøg.png")])
    assert r.status_code == 303
    photo = db.session.execute(select(TrialPhoto)).scalar_one()
    assert photo.content_type == "png" and photo.display_name == "besøg.png"
    assert photo.thumbnail_name and photo.thumbnail_name != photo.stored_name
    assert sorted([photo.stored_name, photo.thumbnail_name]) == _stored(app)
    u = db.session.get(TrialUpdate, photo.update_id)
    login(None)  # the trial is read in the open
    page = _text(client.get(w.base))
    thumb = f"{w.base}/updates/{u.id}/photos/1/thumbnail"
    assert thumb in page and 'alt="Foto: besøg.png"' in page
    response = client.get(thumb)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(response.data)) as img:
        assert img.width == 480
    response.close()
    response = client.get(f"{w.base}/updates/{u.id}/photos/1")
    assert response.status_code == 200 and response.data == _png()
    response.close()
    assert client.get(f"{w.base}/updates/{u.id}/photos/2").status_code == 404
    # Through another trial's address: 404, even though the photo exists.
    other = trial_world(tag="2")
    assert client.get(f"{other.base}/updates/{u.id}/photos/1").status_code == 404


@pytest.mark.parametrize("content,name,message", [
    (b"#!/bin/sh\nrm -rf /\n", "foto.png", "The file is named .png, but its content is not"),
    (SVG, "tegning.svg", "SVG images are not accepted"),
    (SVG, "tegning.png", "SVG images are not accepted"),
    (b"%PDF-1.4\n%%EOF\n", "rapport.pdf", "Only photos can be added to an update"),
])
def test_photos_are_checked_by_content(app, client, login, w, content, name, message):
    login(w.owner)
    r = _post(client, w, {"body": "Se billedet.", "progress": "50"},
              files=[(_png(), "ok.png"), (content, name)])
    assert r.status_code == 200
    assert message in _text(r)
    assert _count(TrialUpdate) == 0 and _count(TrialPhoto) == 0
    assert db.session.get(Trial, w.trial.id).progress == 20
    assert _stored(app) == []


def test_at_most_four_photos(app, client, login, w):
    login(w.owner)
    r = _post(client, w, {"body": "Mange billeder."},
              files=[(_png((40, 30)), f"{i}.png") for i in range(5)])
    assert r.status_code == 200 and "Add at most 4 photos to one update." in _text(r)
    assert _count(TrialUpdate) == 0 and _stored(app) == []
    r = _post(client, w, {"body": "Fire billeder."},
              files=[(_png((40, 30)), f"{i}.png") for i in range(4)])
    assert r.status_code == 303 and _count(TrialPhoto) == 4


def test_a_status_change_goes_through_the_trials_rules(client, login, w):
    login(w.owner)
    # Skipping a step (running -> scaled up) is refused; nothing is stored.
    r = _post(client, w, {"body": "Det virker!", "status": "scaled_up", "progress": "90"})
    assert r.status_code == 200
    assert 'A trial cannot go from "Running" to "Scaled up"' in _text(r)
    assert _count(TrialUpdate) == 0
    # Stopping needs a reason.
    r = _post(client, w, {"body": "Vi stopper.", "status": "stopped"})
    assert r.status_code == 200 and "Say why" in _text(r)
    assert db.session.get(Trial, w.trial.id).status == TrialStatus.running
    # The allowed step, with progress.
    r = _post(client, w, {"body": "Vi evaluerer nu.", "status": "evaluating",
                          "progress": "80"})
    assert r.status_code == 303
    trial = db.session.get(Trial, w.trial.id)
    assert (trial.status, trial.progress) == (TrialStatus.evaluating, 80)
    u = db.session.execute(select(TrialUpdate)).scalar_one()  # one update, not two
    assert (u.status_from, u.status_to, u.progress, u.body) == (
        "running", "evaluating", 80, "Vi evaluerer nu.")
    page = _text(client.get(f"{w.base}/updates"))
    assert "Status: Running → Evaluating" in page


def test_the_service_refuses_a_skipped_step(w):
    with pytest.raises(DomainError):
        updates.post_update(w.owner, w.trial, "Spring over", status="scaled_up")
    db.session.rollback()
    assert _count(TrialUpdate) == 0


def test_only_managers_post_updates(client, login, w):
    for user, status in ((w.stranger, 403), (w.lead, 403), (w.organiser, 303)):
        login(user)
        assert _post(client, w, {"body": "Hej."}).status_code == status
    login(None)
    assert _post(client, w, {"body": "Hej."}).status_code == 302
    assert _count(TrialUpdate) == 1


def test_the_timeline_page_is_newest_first_and_paginated(client, login, w):
    login(w.stranger)  # reads in English
    start = datetime(2027, 1, 1, 9, 0, tzinfo=timezone.utc)
    for i in range(updates.PER_PAGE + 3):
        db.session.add(TrialUpdate(trial_id=w.trial.id, author_id=w.owner.id,
                                   body=f"Opdatering nummer {i:02d}.",
                                   created_at=start + timedelta(days=i)))
    db.session.commit()
    page = _text(client.get(w.base + "/updates"))
    last = updates.PER_PAGE + 2
    assert page.index(f"nummer {last:02d}") < page.index(f"nummer {last - 1:02d}")
    assert "nummer 02." not in page and "Page 1 of 2" in page
    page2 = _text(client.get(w.base + "/updates?page=2"))
    assert "nummer 00." in page2 and f"nummer {last:02d}" not in page2
    panel = _text(client.get(w.base))
    assert f"See all {updates.PER_PAGE + 3} updates" in panel
    assert f"nummer {last:02d}" in panel and f"nummer {last - updates.PANEL_UPDATES:02d}" \
        not in panel


def test_the_panel_runs_a_constant_number_of_queries(app, client, query_counter):
    w = trial_world()

    made = []

    def grow(n):
        for _ in range(n):
            i = len(made)
            made.append(i)
            u = TrialUpdate(trial_id=w.trial.id, author_id=make_user().id, body=f"U{i}")
            db.session.add(u)
            db.session.flush()
            db.session.add(TrialPhoto(update_id=u.id, stored_name=f"{i:032x}.png",
                                      thumbnail_name=f"{i + 500:032x}.png",
                                      display_name="x.png", content_type="png", size=1))
            db.session.add(Milestone(trial_id=w.trial.id, title=f"M{i}",
                                     due_on=date.today() + timedelta(days=i)))
        db.session.commit()

    def measure():
        with query_counter() as n:
            assert client.get(f"/trials/{w.trial.id}/updates").status_code == 200
        with query_counter() as m:
            assert client.get(f"/trials/{w.trial.id}").status_code == 200
        return n(), m()

    grow(2)
    small = measure()
    grow(8)
    assert measure() == small


# --- Following and the update e-mails -----------------------------------------------------

def test_the_team_is_invited_to_follow_but_not_subscribed(client, login, w):
    assert _count(Follower) == 0
    login(w.member)  # Danish
    page = _text(client.get(w.base))
    assert "Du har arbejdet på denne prototype: Følg afprøvningen" in page
    login(w.stranger)
    page = _text(client.get(w.base))
    assert "You worked on this prototype" not in page and "Follow the trial" in page


def test_follow_and_unfollow(client, login, w):
    login(w.lead)
    assert client.post(w.base + "/follow").status_code == 303
    assert client.post(w.base + "/follow").status_code == 303  # again: still one row
    assert _count(Follower, Follower.user_id == w.lead.id) == 1
    page = _text(client.get(w.base))
    assert "You follow this trial" in page and "You worked on this prototype" not in page
    assert client.post(w.base + "/unfollow").status_code == 303
    assert _count(Follower) == 0
    assert client.post(w.base + "/unfollow").status_code == 303
    login(None)
    assert client.post(w.base + "/follow").status_code == 302
    assert _count(Follower) == 0


def test_updates_are_mailed_to_followers_but_not_the_author(client, login, outbox, w):
    for user in (w.lead, w.member, w.owner, w.stranger):
        followers.follow(user, w.trial)
    db.session.commit()
    w.stranger.deleted_at = datetime.now(timezone.utc)  # erased accounts get nothing
    db.session.commit()
    login(w.owner)
    r = _post(client, w, {"body": "Ti besøg i første uge.", "progress": "45"})
    assert r.status_code == 303
    assert sorted(m.to[0] for m in outbox) == ["lene@example.dk", "mads@example.dk"]
    mail = next(m for m in outbox if m.to[0] == "lene@example.dk")
    assert "Besøgsven i hjemmeplejen" in mail.subject
    assert "Ti besøg i første uge." in mail.body and "Progress: 45 %" in mail.body
    assert f"http://localhost/trials/{w.trial.id}" in mail.body
    token = db.session.execute(select(Follower.unsubscribe_token).where(
        Follower.user_id == w.lead.id)).scalar_one()
    link = f"http://localhost/trials/unsubscribe/{token}"
    assert link in mail.body

    # The link works without logging in: GET shows a button and changes nothing ...
    login(None)
    page = client.get(link)
    assert page.status_code == 200 and "Stop e-mailene" in _text(page)
    assert _count(Follower, Follower.user_id == w.lead.id) == 1
    # ... POST unsubscribes.
    r = client.post(link)
    assert r.status_code == 303
    assert _count(Follower, Follower.user_id == w.lead.id) == 0
    assert _count(Follower, Follower.user_id == w.member.id) == 1
    assert "Du får ikke længere e-mails om afprøvningen" in _text(
        client.get(r.headers["Location"]))
    # Used again (or unknown): a clear message, 404.
    again = client.get(link)
    assert again.status_code == 404 and "Linket virker ikke" in _text(again)
    assert client.post(link).status_code == 404

    outbox.clear()
    login(w.owner)
    _post(client, w, {"body": "Anden uge."})
    assert [m.to[0] for m in outbox] == ["mads@example.dk"]


def test_a_refused_update_sends_no_mail(client, login, outbox, w):
    followers.follow(w.lead, w.trial)
    db.session.commit()
    login(w.owner)
    assert _post(client, w, {"body": "Hej", "progress": "300"}).status_code == 200
    assert outbox == []


def test_followers_in_the_personal_data_export_and_erasure(w):
    from camp.auth.services import delete_account, export_user_data
    from tests.factories import PASSWORD
    followers.follow(w.lead, w.trial)
    updates.post_update(w.owner, w.trial, "Vi er i gang.")
    db.session.commit()
    data = export_user_data(w.lead)
    assert data["trials_followed"] == [{"trial_id": w.trial.id,
                                        "trial": "Besøgsven i hjemmeplejen",
                                        "since": data["trials_followed"][0]["since"]}]
    written = export_user_data(w.owner)["trial_updates_written"]
    assert [u["text"] for u in written] == ["Vi er i gang."]
    delete_account(w.lead, PASSWORD)
    db.session.commit()
    assert _count(Follower) == 0
