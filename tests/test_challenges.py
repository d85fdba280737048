"""Challenges: posting, editing, submitting, deleting, co-owners, public list and page."""
import pytest
from sqlalchemy import func, select

from camp.audit import AuditEvent
from camp.auth.models import ActorType
from camp.camps.models import CampStatus
from camp.challenges import services
from camp.challenges.models import Challenge, ChallengeMode, ChallengeOwner, \
    ChallengeResource, ChallengeStatus, ChallengeValue, ResourceKind, ValueDimension
from camp.errors import Conflict, DomainError
from camp.extensions import db
from tests.factories import make_camp, make_challenge, make_user


def _user(**kw):
    # English pages, so assertions read the source strings whatever the catalogues say.
    return make_user(locale="en", **kw)


def _english(client):
    with client.session_transaction() as sess:
        sess["lang"] = "en"


def _form(**overrides):
    data = dict(title="Loneliness among elderly citizens", owner_organisation="Roskilde Kommune",
                owner_actor_type="administrator", problem="Many **older** people are alone.",
                context="Home care visits are short.", affected="Citizens over 75",
                mode="co_creation", value_quality="y",
                noticed_quality="Fewer say they feel lonely.", value_democracy="y",
                noticed_democracy="Elderly citizens take part in planning.",
                owner_role="We open our data.", expectations="Bring ideas.",
                resource_people="A home carer for two hours", resource_data="",
                commitment="We test the best prototype within three months.",
                contacts="Anna Jensen, 12 34 56 78")
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _data(**overrides) -> services.ChallengeData:
    values = dict(title="Young people out of education", problem="Too many drop out.",
                  commitment="We will test it.", owner_organisation="Assens Kommune",
                  values={ValueDimension.efficiency: "Fewer drop-outs."},
                  resources={ResourceKind.rooms: "The youth club"})
    values.update(overrides)
    return services.ChallengeData(**values)


# Posting ------------------------------------------------------------------------------

def test_post_a_challenge_creates_a_draft_owned_by_the_poster(client, login):
    camp = make_camp()
    owner = login(_user())
    page = client.get(f"/camps/{camp.slug}/challenges/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Develop a new solution together" in html and "Deliver a service together" in html
    res = client.post(f"/camps/{camp.slug}/challenges/new", data=_form())
    assert res.status_code == 303
    challenge = db.session.execute(select(Challenge)).scalar_one()
    assert res.headers["Location"].endswith(f"/camps/{camp.slug}/challenges/{challenge.id}")
    assert challenge.status == ChallengeStatus.draft
    assert challenge.created_by_id == owner.id
    assert [o.user_id for o in challenge.owners] == [owner.id]
    assert {v.dimension: v.how_noticed for v in challenge.values} == {
        ValueDimension.quality: "Fewer say they feel lonely.",
        ValueDimension.democracy: "Elderly citizens take part in planning."}
    # Only filled-in resources are offered.
    assert [(r.kind, r.description) for r in challenge.resources] == [
        (ResourceKind.people, "A home carer for two hours")]
    assert challenge.mode == ChallengeMode.co_creation
    assert challenge.owner_actor_type == ActorType.administrator
    page = client.get(res.headers["Location"]).get_data(as_text=True)
    assert "This challenge is a draft" in page
    assert "<strong>older</strong>" in page  # Markdown rendered
    assert "Fewer say they feel lonely." in page and "A home carer for two hours" in page
    assert "Anna Jensen" in page and "within three months" in page
    assert db.session.execute(select(AuditEvent.action)).scalars().all() == ["challenge.create"]


@pytest.mark.parametrize("overrides,error_field", [
    (dict(noticed_quality=""), "noticed_quality"),           # value without its sentence
    (dict(title=""), "title"),
    (dict(commitment=""), "commitment"),
    (dict(problem=""), "problem"),
    (dict(mode=None), "mode"),
    (dict(owner_actor_type="king"), "owner_actor_type"),
    (dict(title="x" * 161), "title"),
])
def test_bad_input_shows_field_errors_and_stores_nothing(client, login, overrides, error_field):
    camp = make_camp()
    login(_user())
    res = client.post(f"/camps/{camp.slug}/challenges/new", data=_form(**overrides))
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert f'id="{error_field}-error"' in html
    assert "Please correct the following" in html
    assert _count(Challenge) == 0


def test_no_value_chosen_is_refused(client, login):
    camp = make_camp()
    login(_user())
    res = client.post(f"/camps/{camp.slug}/challenges/new",
                      data=_form(value_quality=None, value_democracy=None))
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert 'id="values-error"' in html and "Choose at least one intended value." in html
    assert _count(Challenge) == 0 and _count(ChallengeValue) == 0


def test_sentence_without_checkbox_is_ignored(client, login):
    camp = make_camp()
    login(_user())
    client.post(f"/camps/{camp.slug}/challenges/new",
                data=_form(noticed_efficiency="Should not be stored"))
    dims = db.session.execute(select(ChallengeValue.dimension)).scalars().all()
    assert ValueDimension.efficiency not in dims


def test_service_refuses_missing_values_and_sentences(app):
    camp = make_camp()
    user = make_user()
    with pytest.raises(DomainError):
        services.create(user, camp, _data(values={}))
    with pytest.raises(DomainError) as exc:
        services.create(user, camp, _data(values={ValueDimension.quality: "  "}))
    assert exc.value.field == "noticed_quality"
    with pytest.raises(DomainError) as exc:
        services.create(user, camp, _data(commitment=" "))
    assert exc.value.field == "commitment"
    db.session.rollback()
    assert _count(Challenge) == 0


def test_posting_needs_login_and_a_published_camp(client, login):
    camp = make_camp()
    res = client.get(f"/camps/{camp.slug}/challenges/new")
    assert res.status_code == 302 and "/login" in res.headers["Location"]
    draft = make_camp(status=CampStatus.draft)
    login(_user())
    assert client.get(f"/camps/{draft.slug}/challenges/new").status_code == 404
    assert client.post(f"/camps/{draft.slug}/challenges/new", data=_form()).status_code == 404
    assert _count(Challenge) == 0


def test_citizen_group_posts_a_citizen_driven_challenge(client, login):
    camp = make_camp()
    login(_user(actor_type=ActorType.citizen, organisation=""))
    html = client.get(f"/camps/{camp.slug}/challenges/new").get_data(as_text=True)
    assert '<option selected value="citizen">' in html
    client.post(f"/camps/{camp.slug}/challenges/new",
                data=_form(owner_actor_type="citizen", owner_organisation="Residents of Musicon"))
    challenge = db.session.execute(select(Challenge)).scalar_one()
    assert challenge.owner_actor_type == ActorType.citizen
    page = client.get(f"/camps/{camp.slug}/challenges/{challenge.id}").get_data(as_text=True)
    assert "Citizen-driven" in page


# Editing ------------------------------------------------------------------------------

def test_owner_edits_and_values_and_resources_follow(client, login):
    owner = _user()
    camp = make_camp()
    challenge = make_challenge(camp, owner, status=ChallengeStatus.draft)
    db.session.add(ChallengeResource(challenge_id=challenge.id, kind=ResourceKind.data,
                                     description="Old data"))
    db.session.commit()
    login(owner)
    url = f"/camps/{camp.slug}/challenges/{challenge.id}/edit"
    html = client.get(url).get_data(as_text=True)
    assert "Færre føler sig ensomme." in html and "Old data" in html  # stored values shown
    # Quality changes its sentence, efficiency is added; data is no longer offered.
    res = client.post(url, data=_form(title="New title", value_democracy=None,
                                      noticed_quality="A new sentence.",
                                      value_efficiency="y", noticed_efficiency="Less time.",
                                      resource_people="", resource_data=""))
    assert res.status_code == 303
    db.session.refresh(challenge)
    assert challenge.title == "New title"
    assert {v.dimension: v.how_noticed for v in challenge.values} == {
        ValueDimension.quality: "A new sentence.", ValueDimension.efficiency: "Less time."}
    assert challenge.resources == []
    assert challenge.status == ChallengeStatus.draft
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "challenge.update")).scalar_one()
    assert "title" in event.data["fields"] and "value:efficiency" in event.data["fields"]


def test_editing_a_declined_challenge_returns_it_to_draft(client, login):
    owner = _user()
    camp = make_camp()
    challenge = make_challenge(camp, owner, status=ChallengeStatus.declined,
                               decline_reason="Too vague.")
    login(owner)
    url = f"/camps/{camp.slug}/challenges/{challenge.id}/edit"
    assert "becomes a draft again" in client.get(url).get_data(as_text=True)
    res = client.post(url, data=_form(), follow_redirects=True)
    assert "It is a draft again" in res.get_data(as_text=True)
    db.session.refresh(challenge)
    assert challenge.status == ChallengeStatus.draft
    assert challenge.decline_reason == "Too vague."  # still shown until resubmitted


def test_editing_a_published_challenge_keeps_it_published(app):
    owner = make_user()
    challenge = make_challenge(make_camp(), owner)
    services.update(owner, challenge, _data(title="Sharper title"))
    db.session.commit()
    assert challenge.status == ChallengeStatus.published and challenge.title == "Sharper title"


def test_others_cannot_edit(client, login):
    owner = _user()
    camp = make_camp()
    published = make_challenge(camp, owner, title="Original")
    draft = make_challenge(camp, owner, status=ChallengeStatus.draft, title="Secret draft")
    login(_user())
    url = f"/camps/{camp.slug}/challenges/{published.id}/edit"
    assert client.get(url).status_code == 403
    assert client.post(url, data=_form(title="Hijacked")).status_code == 403
    # A draft's existence is private.
    assert client.get(f"/camps/{camp.slug}/challenges/{draft.id}/edit").status_code == 404
    assert client.post(f"/camps/{camp.slug}/challenges/{draft.id}/submit").status_code == 404
    db.session.refresh(published), db.session.refresh(draft)
    assert published.title == "Original" and draft.status == ChallengeStatus.draft
    # Another camp's slug with this id: 404.
    other = make_camp()
    login(owner)
    assert client.get(f"/camps/{other.slug}/challenges/{published.id}/edit").status_code == 404


def test_organiser_can_edit_any_challenge_of_the_camp(client, login):
    organiser = _user()
    camp = make_camp(organiser=organiser)
    challenge = make_challenge(camp, _user(), status=ChallengeStatus.submitted)
    login(organiser)
    res = client.post(f"/camps/{camp.slug}/challenges/{challenge.id}/edit",
                      data=_form(title="Tidied by organiser"))
    assert res.status_code == 303
    db.session.refresh(challenge)
    assert challenge.title == "Tidied by organiser"
    assert challenge.status == ChallengeStatus.submitted


# Submit and delete --------------------------------------------------------------------

def test_submit_tells_the_organisers(client, login, outbox):
    organiser = _user(email="org@example.dk")
    camp = make_camp(organiser=organiser)
    owner = _user()
    challenge = make_challenge(camp, owner, status=ChallengeStatus.draft, submitted_at=None)
    login(owner)
    res = client.post(f"/camps/{camp.slug}/challenges/{challenge.id}/submit",
                      follow_redirects=True)
    assert "The challenge is submitted" in res.get_data(as_text=True)
    db.session.refresh(challenge)
    assert challenge.status == ChallengeStatus.submitted and challenge.submitted_at
    assert [m.to for m in outbox] == [["org@example.dk"]]
    assert challenge.title in outbox[0].subject
    assert f"/camps/{camp.slug}/challenges/{challenge.id}" in outbox[0].body
    assert f"/camps/{camp.slug}/manage/challenges" in outbox[0].body
    # Submitting again is a wrong transition: a message, nothing changes, no e-mail.
    res = client.post(f"/camps/{camp.slug}/challenges/{challenge.id}/submit",
                      follow_redirects=True)
    assert "Only a draft or a declined challenge can be submitted." in res.get_data(as_text=True)
    assert len(outbox) == 1


def test_resubmitting_a_declined_challenge_clears_the_reason(app):
    owner = make_user()
    challenge = make_challenge(make_camp(), owner, status=ChallengeStatus.declined,
                               decline_reason="Needs a commitment.")
    services.submit(owner, challenge)
    db.session.commit()
    assert challenge.status == ChallengeStatus.submitted and challenge.decline_reason == ""


def test_delete_only_a_draft(client, login):
    owner = _user()
    camp = make_camp()
    draft = make_challenge(camp, owner, status=ChallengeStatus.draft)
    submitted = make_challenge(camp, owner, status=ChallengeStatus.submitted)
    draft_id = draft.id
    login(owner)
    page = client.get(f"/camps/{camp.slug}/challenges/{draft.id}").get_data(as_text=True)
    assert "data-confirm=" in page and "Delete draft" in page
    res = client.post(f"/camps/{camp.slug}/challenges/{draft.id}/delete")
    assert res.status_code == 303 and res.headers["Location"].endswith("/me/challenges")
    assert db.session.get(Challenge, draft_id) is None
    assert _count(ChallengeOwner) == 1  # the draft's owner row went with it
    res = client.post(f"/camps/{camp.slug}/challenges/{submitted.id}/delete",
                      follow_redirects=True)
    assert "Only a draft can be deleted." in res.get_data(as_text=True)
    assert db.session.get(Challenge, submitted.id) is not None
    with pytest.raises(Conflict):
        services.delete_draft(owner, db.session.get(Challenge, submitted.id))


# Co-owners ----------------------------------------------------------------------------

def test_add_and_remove_co_owners(client, login, outbox):
    owner = _user(name="Anna Owner")
    camp = make_camp()
    challenge = make_challenge(camp, owner, status=ChallengeStatus.draft)
    colleague = _user(email="Bo@Example.dk", name="Bo Colleague")
    login(owner)
    url = f"/camps/{camp.slug}/challenges/{challenge.id}/owners"
    res = client.post(url, data={"email": "bo@example.dk"})
    assert res.status_code == 303
    db.session.refresh(challenge)
    assert {o.user_id for o in challenge.owners} == {owner.id, colleague.id}
    assert outbox[-1].to == ["Bo@Example.dk"] and "co-owner" in outbox[-1].subject
    # Now the colleague may edit the draft.
    login(colleague)
    assert client.get(f"/camps/{camp.slug}/challenges/{challenge.id}/edit").status_code == 200
    # Unknown e-mail: a clear field error, nothing stored.
    res = client.post(url, data={"email": "nobody@example.dk"})
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert 'id="email-error"' in html and "No account uses nobody@example.dk" in html
    res = client.post(url, data={"email": owner.email})
    assert "already owns this challenge" in res.get_data(as_text=True)
    assert _count(ChallengeOwner) == 2
    # Remove the first owner; the last one stays.
    first = next(o for o in challenge.owners if o.user_id == owner.id)
    assert client.post(f"{url}/{first.id}/remove").status_code == 303
    db.session.expire_all()
    remaining = db.session.execute(select(ChallengeOwner)).scalars().all()
    assert [o.user_id for o in remaining] == [colleague.id]
    res = client.post(f"{url}/{remaining[0].id}/remove", follow_redirects=True)
    assert "at least one owner" in res.get_data(as_text=True)
    assert _count(ChallengeOwner) == 1


def test_owner_row_of_another_challenge_is_404(client, login):
    owner = _user()
    camp = make_camp()
    mine = make_challenge(camp, owner)
    theirs = make_challenge(camp, _user())
    services.add_owner(theirs.owners[0].user, theirs, make_user().email)
    db.session.commit()
    login(owner)
    res = client.post(f"/camps/{camp.slug}/challenges/{mine.id}/owners/"
                      f"{theirs.owners[0].id}/remove")
    assert res.status_code == 404
    assert len(theirs.owners) == 2


# Public list and page -----------------------------------------------------------------

def test_public_list_shows_published_only_with_filters(client):
    camp = make_camp()
    make_challenge(camp, title="Integration in Vollsmose", owner_organisation="3B",
                   mode=ChallengeMode.co_production)
    citizen = make_challenge(camp, title="Benches for the park", owner_organisation="Parkens venner",
                             owner_actor_type=ActorType.citizen,
                             problem="Nowhere to sit for elderly walkers.")
    citizen.values.append(ChallengeValue(dimension=ValueDimension.democracy,
                                         how_noticed="More people come to meetings."))
    db.session.commit()
    make_challenge(camp, title="Hidden draft", status=ChallengeStatus.draft)
    make_challenge(camp, title="Waiting one", status=ChallengeStatus.submitted)
    make_challenge(make_camp(), title="Other camp's challenge")
    _english(client)
    url = f"/camps/{camp.slug}/challenges/"
    html = client.get(url).get_data(as_text=True)
    assert "Integration in Vollsmose" in html and "Benches for the park" in html
    assert "Hidden draft" not in html and "Waiting one" not in html
    assert "Other camp" not in html
    assert "Citizen-driven" in html and "Co-production" in html and "Parkens venner" in html
    html = client.get(url, query_string={"value": "democracy"}).get_data(as_text=True)
    assert "Benches" in html and "Vollsmose" not in html
    html = client.get(url, query_string={"mode": "co_production"}).get_data(as_text=True)
    assert "Vollsmose" in html and "Benches" not in html
    html = client.get(url, query_string={"q": "ELDERLY"}).get_data(as_text=True)
    assert "Benches" in html and "Vollsmose" not in html  # searches the problem
    html = client.get(url, query_string={"q": "3b"}).get_data(as_text=True)
    assert "Vollsmose" in html and "Benches" not in html  # and the organisation
    html = client.get(url, query_string={"q": "nothing like it"}).get_data(as_text=True)
    assert "No challenges match" in html
    html = client.get(url, query_string={"mode": "bogus"}).get_data(as_text=True)
    assert "Vollsmose" in html  # a bad filter is ignored, not a 500
    # The camp page links to the list with the number of published challenges.
    camp_page = client.get(f"/camps/{camp.slug}/").get_data(as_text=True)
    assert "Challenges (2)" in camp_page


def test_public_list_empty_state_and_pagination(app, client):
    camp = make_camp()
    _english(client)
    url = f"/camps/{camp.slug}/challenges/"
    assert "No challenges are published for this camp yet." in client.get(url).get_data(
        as_text=True)
    for i in range(23):
        make_challenge(camp, title=f"Challenge {i:02d}")
    first = client.get(url).get_data(as_text=True)
    second = client.get(url, query_string={"page": 2}).get_data(as_text=True)
    assert "Challenge 00" in first and "Challenge 19" in first and "Challenge 20" not in first
    assert "Challenge 22" in second and "Challenge 00" not in second
    assert "Page 2 of 2" in second
    assert client.get(url, query_string={"page": 9}).status_code == 200


def test_draft_page_is_private(client, login):
    owner = _user()
    organiser = _user()
    camp = make_camp(organiser=organiser)
    declined = make_challenge(camp, owner, status=ChallengeStatus.declined,
                              decline_reason="Please state the commitment.")
    url = f"/camps/{camp.slug}/challenges/{declined.id}"
    assert client.get(url).status_code == 404
    login(_user())
    assert client.get(url).status_code == 404
    login(owner)
    html = client.get(url).get_data(as_text=True)
    assert "Declined" in html and "Please state the commitment." in html
    login(organiser)
    html = client.get(url).get_data(as_text=True)
    assert "Please state the commitment." in html and "Moderation" in html


def test_challenge_page_shows_everything(client):
    camp = make_camp()
    owner = make_user(name="Karen Problemejer", organisation="Assens Kommune")
    challenge = make_challenge(camp, owner, context="Since 2015.", affected="Refugee families",
                               owner_role="We facilitate.", expectations="Honest feedback.",
                               contacts="Karen, 11 22 33 44", mode=ChallengeMode.co_production)
    challenge.resources.append(ChallengeResource(kind=ResourceKind.decisions,
                                                 description="The mayor approves trials."))
    db.session.commit()
    _english(client)
    html = client.get(f"/camps/{camp.slug}/challenges/{challenge.id}").get_data(as_text=True)
    for text in ("Ensomhed blandt ældre borgere.", "Since 2015.", "Refugee families",
                 "Better quality", "Færre føler sig ensomme.", "Co-production",
                 "Deliver a service together", "We facilitate.", "Honest feedback.",
                 "Decision power", "The mayor approves trials.", "inden for tre måneder",
                 "Karen, 11 22 33 44", "Karen Problemejer", "Assens Kommune"):
        assert text in html, text
    assert "Edit" not in html and "Moderation" not in html
    assert owner.email not in html


def test_user_text_is_sanitised(client, login):
    camp = make_camp()
    login(_user())
    client.post(f"/camps/{camp.slug}/challenges/new",
                data=_form(problem="<script>alert(1)</script> **bold**",
                           title="<b>Title</b>"))
    challenge = db.session.execute(select(Challenge)).scalar_one()
    html = client.get(f"/camps/{camp.slug}/challenges/{challenge.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<strong>bold</strong>" in html
    assert "&lt;b&gt;Title&lt;/b&gt;" in html


def test_mine_lists_my_challenges_across_camps(client, login):
    owner = _user()
    a, b = make_camp(title="Camp Roskilde"), make_camp(title="Camp Bornholm")
    make_challenge(a, owner, title="Mine in Roskilde", status=ChallengeStatus.draft)
    make_challenge(b, owner, title="Mine on Bornholm")
    make_challenge(a, _user(), title="Someone else's")
    assert client.get("/me/challenges").status_code == 302
    login(owner)
    html = client.get("/me/challenges").get_data(as_text=True)
    assert "Mine in Roskilde" in html and "Mine on Bornholm" in html
    assert "Someone else" not in html
    assert "Draft" in html and "Published" in html and "Camp Bornholm" in html
    login(_user())
    assert "You do not own any challenges yet" in client.get("/me/challenges").get_data(
        as_text=True)


def test_confirm_texts_with_quotes_stay_inside_their_attribute(app):
    from flask import render_template_string
    with app.test_request_context():
        html = render_template_string(
            '{% from "_macros/forms.html" import post_button %}'
            '{{ post_button("/x", "Slet", confirm=_("Delete the draft \\"%(title)s\\"? This '
            'cannot be undone.", title=title)) }}', title='A & "B" <i>')
    import html as htmllib
    import re
    attribute = re.search(r'data-confirm="([^"]*)"', html).group(1)
    assert htmllib.unescape(attribute).startswith('Vil du slette kladden "A & "B" <i>"?')
