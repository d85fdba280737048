"""Prototype submission: the team's draft, submitting before the deadline, revisions and
their comparison, the lock at the deadline, stale edits, bad input."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from camp.auth.models import User
from camp.challenges.models import ChallengeValue, ValueDimension
from camp.db import utcnow
from camp.errors import Conflict, DomainError
from camp.extensions import db
from camp.prototypes import services
from camp.prototypes.models import Prototype, PrototypeRevision, PrototypeStatus
from tests.concurrency import run_at_once
from tests.factories import make_camp, make_challenge, make_team, make_user


class World:
    def __init__(self):
        self.organiser = make_user(locale="en")
        self.camp = make_camp(organiser=self.organiser)
        self.owner = make_user(locale="en")
        self.challenge = make_challenge(self.camp, self.owner)  # intends "quality"
        self.challenge.values.append(ChallengeValue(dimension=ValueDimension.democracy,
                                                    how_noticed="Flere stemmer høres."))
        self.lead = make_user(locale="en")
        self.member = make_user(locale="en")
        self.team = make_team(self.camp, self.challenge, lead=self.lead, members=[self.member])
        self.other_lead = make_user(locale="en")
        self.other_team = make_team(self.camp, self.challenge, lead=self.other_lead)
        db.session.commit()

    @property
    def edit_url(self):
        return f"/camps/{self.camp.slug}/teams/{self.team.id}/prototype"

    @property
    def submit_url(self):
        return self.edit_url + "/submit"

    def prototype(self) -> Prototype | None:
        db.session.expire_all()
        return db.session.execute(
            select(Prototype).where(Prototype.team_id == self.team.id)).scalar()

    def show_url(self, prototype=None):
        prototype = prototype or self.prototype()
        return f"/camps/{self.camp.slug}/prototypes/{prototype.id}"

    def set_deadline(self, when):
        self.camp.prototype_deadline = when
        db.session.commit()


@pytest.fixture
def world(app):
    return World()


def form(**overrides) -> dict:
    data = dict(version="0", title="Besøgsven ved hjemmebesøg",
                pitch="Hjemmeplejen spørger, en frivillig følger op.",
                problem="Ensomme ældre bliver **ikke** opdaget.",
                solution="Et spørgsmål ved hvert besøg og en frivillig, der ringer.",
                beneficiaries="Ældre borgere.", values=["quality"],
                trial_needs="To grupper i tre måneder.", next_steps="Møde med chefen.",
                links="https://example.org/rapport\nhttp://example.dk/film")
    data.update(overrides)
    return data


def create(client, login, world, user=None, **overrides):
    login(user or world.lead)
    response = client.post(world.edit_url, data=form(**overrides))
    assert response.status_code == 303, response.get_data(as_text=True)
    return world.prototype()


def revisions(prototype_id) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(PrototypeRevision.id))
                             .where(PrototypeRevision.prototype_id == prototype_id))


# -- the draft --------------------------------------------------------------------------------

def test_a_member_starts_the_draft_with_the_challenges_values_only(client, login, world):
    login(world.member)
    page = client.get(world.edit_url).get_data(as_text=True)
    assert "Start the prototype" in page
    assert 'value="quality"' in page and 'value="democracy"' in page
    assert 'value="efficiency"' not in page  # not an intended value of this challenge
    response = client.post(world.edit_url, data=form(values=["quality", "democracy"]))
    assert response.status_code == 303
    prototype = world.prototype()
    assert response.headers["Location"].endswith(world.show_url(prototype))
    assert prototype.status == PrototypeStatus.draft
    assert prototype.values == ["quality", "democracy"]
    assert prototype.version == 1 and prototype.challenge_id == world.challenge.id
    assert prototype.links == "https://example.org/rapport\nhttp://example.dk/film"
    page = client.get(world.show_url(prototype)).get_data(as_text=True)
    assert "Besøgsven ved hjemmebesøg" in page
    assert "This is a draft." in page
    assert "<strong>ikke</strong>" in page  # Markdown
    assert '<a href="https://example.org/rapport"' in page


def test_the_edit_form_shows_the_draft_and_saves_changes(client, login, world):
    create(client, login, world)
    page = client.get(world.edit_url).get_data(as_text=True)
    assert "Edit the prototype" in page and 'name="version" type="hidden" value="1"' in page
    response = client.post(world.edit_url, data=form(version="1", solution="Noget nyt."))
    assert response.status_code == 303
    prototype = world.prototype()
    assert prototype.solution == "Noget nyt." and prototype.version == 2


def test_other_teams_and_strangers_cannot_edit_or_see_the_draft(client, login, world):
    prototype = create(client, login, world)
    login(world.other_lead)
    assert client.get(world.edit_url).status_code == 403
    assert client.post(world.edit_url, data=form(version="1", title="Kapret")).status_code \
        == 403
    assert client.post(world.submit_url).status_code == 403
    assert client.get(world.show_url(prototype)).status_code == 404  # a draft is private
    login(None)
    response = client.get(world.edit_url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(world.show_url(prototype)).status_code == 404
    login(world.owner)  # the challenge's owner may read the draft
    assert client.get(world.show_url(prototype)).status_code == 200
    assert world.prototype().title == "Besøgsven ved hjemmebesøg"
    assert revisions(prototype.id) == 0


def test_a_prototype_of_another_camp_is_not_found(client, login, world):
    prototype = create(client, login, world)
    other = make_camp()
    assert client.get(f"/camps/{other.slug}/prototypes/{prototype.id}").status_code == 404


# -- bad input --------------------------------------------------------------------------------

BAD = [
    (dict(title=""), "This field is required."),
    (dict(title="x" * 161), "160"),
    (dict(pitch="y" * 301), "300"),
    (dict(links="javascript:alert(1)"), "is not a web address"),
    (dict(links="https://example.org\nftp://example.org/fil"), "is not a web address"),
    (dict(links="se vores side"), "is not a web address"),
    (dict(links="https://exa mple.org"), "is not a web address"),
    (dict(values=["efficiency"]), "Choose only among the values of the team's challenge."),
    (dict(values=["nonsense"]), "Choose only among the values of the team's challenge."),
]


@pytest.mark.parametrize("overrides,message", BAD)
def test_bad_input_is_refused_and_nothing_changes(client, login, world, overrides, message):
    create(client, login, world)
    before = services.snapshot(world.prototype())
    response = client.post(world.edit_url, data=form(version="1", **overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and "Please correct the following" in page
    prototype = world.prototype()
    assert services.snapshot(prototype) == before and prototype.version == 1


def test_bad_input_on_a_new_draft_stores_nothing(client, login, world):
    login(world.lead)
    response = client.post(world.edit_url, data=form(title="", links="nope"))
    assert response.status_code == 200
    assert world.prototype() is None


def test_the_service_refuses_what_the_form_would(app, world):
    data = services.PrototypeData(title=" ", values=["efficiency"], links="ftp://x.dk",
                                  problem="z" * (services.TEXT_MAX + 1))
    with pytest.raises(DomainError) as exc:
        services.save_draft(world.lead, world.team, data, 0)
    assert set(exc.value.field_errors) == {"title", "values", "links", "problem"}
    db.session.rollback()
    assert world.prototype() is None


def test_a_pitch_is_one_line_and_links_are_trimmed(app, world):
    prototype = services.save_draft(world.lead, world.team, services.PrototypeData(
        title=" Titel ", pitch="to\nlinjer ", links="\n https://a.dk \n\nhttps://b.dk\n"), 0)
    assert prototype.title == "Titel" and prototype.pitch == "to linjer"
    assert prototype.links == "https://a.dk\nhttps://b.dk"


# -- stale edits ------------------------------------------------------------------------------

def test_a_stale_save_is_refused_and_shows_the_newer_text(client, login, world):
    create(client, login, world)
    # Both members opened the form at version 1; the lead saves first.
    login(world.lead)
    assert client.post(world.edit_url, data=form(
        version="1", solution="Lederens nye løsning.")).status_code == 303
    login(world.member)
    response = client.post(world.edit_url, data=form(
        version="1", solution="Medlemmets egen tekst."))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Someone else in your team saved the prototype while you were editing" in page
    assert "Saved meanwhile by someone else in your team" in page
    assert "Medlemmets egen tekst." in page  # the member's text is kept in the form
    assert "<ins>Lederens nye løsning.</ins>" in page  # the newer saved text is noted
    assert 'name="version" type="hidden" value="2"' in page  # next save is deliberate
    assert world.prototype().solution == "Lederens nye løsning."
    # Saving again from the re-rendered form goes through.
    assert client.post(world.edit_url, data=form(
        version="2", solution="Medlemmets egen tekst.")).status_code == 303
    prototype = world.prototype()
    assert prototype.solution == "Medlemmets egen tekst." and prototype.version == 3


def test_two_first_drafts_at_once_make_one_prototype(app, world):
    team_id, ids = world.team.id, [world.lead.id, world.member.id]

    def save(user_id):
        from camp.teams.models import Team
        return lambda: services.save_draft(
            db.session.get(User, user_id), db.session.get(Team, team_id),
            services.PrototypeData(title=f"Udkast {user_id}"), 0)
    outcomes = run_at_once(app, [save(uid) for uid in ids])
    assert outcomes.count("ok") == 1, outcomes
    assert any("En anden på dit hold gemte" in o for o in outcomes), outcomes
    db.session.rollback()
    assert db.session.scalar(select(func.count(Prototype.id))
                             .where(Prototype.team_id == team_id)) == 1


# -- submitting and revisions -----------------------------------------------------------------

def test_submit_revise_and_compare(client, login, world):
    prototype = create(client, login, world, problem="Ensomhed <script>alert(1)</script>")
    response = client.post(world.submit_url, follow_redirects=True)
    assert "Revision 1 is submitted." in response.get_data(as_text=True)
    prototype = world.prototype()
    assert prototype.status == PrototypeStatus.submitted and prototype.submitted_at
    rev1 = prototype.revisions[0]
    assert rev1.number == 1 and rev1.submitted_by_id == world.lead.id and not rev1.late
    assert rev1.data["solution"].startswith("Et spørgsmål")
    # The member revises the solution and submits again.
    login(world.member)
    client.post(world.edit_url, data=form(
        version="1", problem="Ensomhed <script>alert(1)</script>",
        solution="Et spørgsmål ved hvert andet besøg og en frivillig, der ringer."))
    response = client.post(world.submit_url, follow_redirects=True)
    assert "Revision 2 is submitted." in response.get_data(as_text=True)
    assert revisions(prototype.id) == 2
    # Revision 1 still reads as it was.
    page = client.get(world.show_url(prototype) + "/revisions/1").get_data(as_text=True)
    assert "ved hvert besøg" in page and "hvert andet" not in page
    assert "<script>alert(1)</script>" not in page  # Markdown is sanitised
    # The comparison marks the change word by word, escaped.
    page = client.get(world.show_url(prototype) + "/revisions/2/compare").get_data(
        as_text=True)
    assert "Revision 2 compared with revision 1" in page
    assert "<ins>andet </ins>" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Revision 1's comparison: everything is new.
    page = client.get(world.show_url(prototype) + "/revisions/1/compare").get_data(
        as_text=True)
    assert "This is the first revision" in page
    assert client.get(world.show_url(prototype) + "/revisions/3").status_code == 404
    # Once submitted, anyone who sees the camp reads it: the last submitted revision.
    login(world.member)
    client.post(world.edit_url, data=form(version="2", title="Ikke indsendt endnu"))
    login(world.other_lead)
    page = client.get(world.show_url(prototype)).get_data(as_text=True)
    assert "Besøgsven ved hjemmebesøg" in page and "Ikke indsendt endnu" not in page
    login(world.lead)
    page = client.get(world.show_url(prototype)).get_data(as_text=True)
    assert "Ikke indsendt endnu" in page and "changes that are not submitted yet" in page


def test_submitting_unchanged_content_makes_no_new_revision(client, login, world):
    prototype = create(client, login, world)
    client.post(world.submit_url)
    response = client.post(world.submit_url, follow_redirects=True)
    assert "Nothing has changed since revision 1, so no new revision was made." in \
        response.get_data(as_text=True)
    assert revisions(prototype.id) == 1


def test_a_double_submit_at_once_makes_one_revision(app, world):
    prototype = services.save_draft(world.lead, world.team, services.PrototypeData(
        **{k: v for k, v in form().items() if k != "version"}), 0)
    db.session.commit()
    pid, users = prototype.id, [world.lead.id, world.member.id] * 2

    def submit(user_id):
        return lambda: services.submit(db.session.get(User, user_id),
                                       db.session.get(Prototype, pid))
    outcomes = run_at_once(app, [submit(uid) for uid in users])
    assert outcomes == ["ok"] * 4, outcomes
    assert revisions(pid) == 1


def test_submitting_needs_the_essentials(client, login, world):
    prototype = create(client, login, world, pitch="", solution="")
    response = client.post(world.submit_url, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Fill in these before you submit: One-line pitch, The solution." in page
    assert revisions(prototype.id) == 0
    assert world.prototype().status == PrototypeStatus.draft


def test_submitting_without_a_draft_says_so(client, login, world):
    login(world.lead)
    response = client.post(world.submit_url, follow_redirects=True)
    assert "Save a draft of the prototype first." in response.get_data(as_text=True)
    assert world.prototype() is None


# -- the deadline -----------------------------------------------------------------------------

def test_after_the_deadline_the_prototype_is_locked(client, login, world):
    prototype = create(client, login, world)
    world.set_deadline(utcnow() - timedelta(minutes=1))
    response = client.post(world.submit_url, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Late submissions are not accepted unless an organiser gives your team more " \
        "time." in page
    assert revisions(prototype.id) == 0
    page = client.get(world.edit_url).get_data(as_text=True)
    assert "the prototype is locked" in page and "<form method=\"post\" novalidate class=" \
        "\"prototype-form\"" not in page
    response = client.post(world.edit_url, data=form(version="1", title="For sent"))
    assert response.status_code == 200
    assert "The prototype is locked" in response.get_data(as_text=True)
    assert world.prototype().title == "Besøgsven ved hjemmebesøg"
    page = client.get(world.show_url(prototype)).get_data(as_text=True)
    assert "Submit the prototype" not in page and "Upload" not in page


def test_no_new_draft_after_the_deadline(client, login, world):
    world.set_deadline(utcnow() - timedelta(minutes=1))
    login(world.lead)
    response = client.post(world.edit_url, data=form())
    assert response.status_code == 200 and world.prototype() is None


def test_without_a_camp_deadline_the_camps_end_counts(app, world):
    assert services.deadline_of(world.camp) == world.camp.ends_at
    assert not services.is_locked(world.camp, now=world.camp.ends_at)
    assert services.is_locked(world.camp, now=world.camp.ends_at + timedelta(seconds=1))


def test_an_extension_lets_one_team_submit_late(client, login, world):
    prototype = create(client, login, world)
    world.set_deadline(utcnow() - timedelta(hours=1))
    login(world.organiser)
    until = (utcnow() + timedelta(days=1)).astimezone(
        __import__("zoneinfo").ZoneInfo("Europe/Copenhagen"))
    response = client.post(f"/camps/{world.camp.slug}/manage/prototypes/{prototype.id}/extend",
                           data={"until": until.strftime("%Y-%m-%dT%H:%M")},
                           follow_redirects=True)
    assert f"{world.team.name} has more time." in response.get_data(as_text=True)
    prototype = world.prototype()
    assert abs(prototype.deadline_extended_to - until.replace(second=0, microsecond=0)) \
        < timedelta(seconds=1)
    login(world.lead)
    client.post(world.submit_url)
    rev = world.prototype().revisions[0]
    assert rev.late is True
    login(world.organiser)
    page = client.get(f"/camps/{world.camp.slug}/manage/prototypes").get_data(as_text=True)
    assert "1 late" in page
    # Taking the extension away locks the team again.
    client.post(f"/camps/{world.camp.slug}/manage/prototypes/{prototype.id}/extend",
                data={"until": ""})
    assert world.prototype().deadline_extended_to is None
    assert services.is_locked(world.camp, world.prototype())


def test_an_extension_must_end_after_the_camps_deadline(client, login, world):
    prototype = create(client, login, world)
    login(world.organiser)
    response = client.post(f"/camps/{world.camp.slug}/manage/prototypes/{prototype.id}/extend",
                           data={"until": "2001-01-01T10:00"}, follow_redirects=True)
    assert "An extension must end after the camp&#39;s deadline" in \
        response.get_data(as_text=True)
    assert world.prototype().deadline_extended_to is None
    login(world.lead)  # a team member cannot extend
    assert client.post(f"/camps/{world.camp.slug}/manage/prototypes/{prototype.id}/extend",
                       data={"until": "2099-01-01T10:00"}).status_code == 403
    assert world.prototype().deadline_extended_to is None


def test_a_late_submission_is_refused_in_the_service_too(app, world):
    prototype = services.save_draft(world.lead, world.team, services.PrototypeData(
        **{k: v for k, v in form().items() if k != "version"}), 0)
    db.session.commit()
    with pytest.raises(DomainError, match="Indsendelser efter fristen modtages ikke"):
        services.submit(world.lead, prototype, now=world.camp.ends_at + timedelta(minutes=1))
    db.session.rollback()
    with pytest.raises(Conflict):
        services.save_draft(world.lead, world.team, services.PrototypeData(title="x"), 0)


def test_prototype_work_is_in_the_personal_data_export(app, world):
    from camp.auth.services import export_user_data
    prototype = services.save_draft(world.lead, world.team, services.PrototypeData(
        **{k: v for k, v in form().items() if k != "version"}), 0)
    db.session.commit()
    services.submit(world.lead, prototype)
    db.session.commit()
    work = export_user_data(world.lead)["prototype_work"]
    assert work and work[0]["prototype"] == prototype.title and work[0]["revision"] == 1
    assert export_user_data(world.member)["prototype_work"] == []
