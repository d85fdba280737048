"""The one-page PDF of a prototype: what it shows, one page whatever the text, no fetching."""
import io
import subprocess

from flask_babel import force_locale
from PIL import Image
from pypdf import PdfReader

from camp.camps.models import CampStatus
from camp.db import utcnow
from camp.extensions import db
from camp.gallery import pdf
from camp.prototypes import files
from camp.prototypes.models import PrototypeStatus
from camp.teams.models import TeamMember
from tests.factories import make_camp, make_challenge, make_prototype, make_team, make_user


def pdf_text(tmp_path, body: bytes, name="out.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(body)
    return subprocess.run(["pdftotext", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pages(body: bytes) -> int:
    return len(PdfReader(io.BytesIO(body)).pages)


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (900, 600), (11, 92, 77)).save(buf, format="PNG")
    return buf.getvalue()


def world(status=PrototypeStatus.submitted, **prototype_kw):
    organiser = make_user(name="Olga Organisator", locale="en")
    camp = make_camp(organiser=organiser, title="Samskab Roskilde 2031",
                     status=CampStatus.published)
    owner = make_user(name="Ole Ejer", locale="en")
    challenge = make_challenge(camp, owner, title="Lonely elderly citizens",
                               owner_organisation="Roskilde Kommune, Ældre og Sundhed")
    lead = make_user(name="Lea Leder", organisation="Røde Kors", locale="en")
    member = make_user(name="Mads Medlem", organisation="Roskilde Universitet", locale="en")
    team = make_team(camp, challenge, lead=lead, members=[member], name="The Visitors")
    values = dict(title='Visiting friend "on wheels"', pitch="A visiting friend at every home visit.",
                  problem="Lonely elderly people are not noticed.",
                  solution="Home care asks, and a volunteer follows up.",
                  beneficiaries="Elderly citizens and the home care staff.",
                  values=["quality", "democracy"],
                  trial_needs="Two home care groups for three months.",
                  next_steps="Meeting with the head of elderly care.",
                  links="https://example.org/visiting-friend\nhttps://example.org/video",
                  status=status)
    values.update(prototype_kw)
    if status != PrototypeStatus.submitted:
        values["submitted_at"] = None
    prototype = make_prototype(team, **values)
    return dict(organiser=organiser, camp=camp, owner=owner, challenge=challenge, lead=lead,
                member=member, team=team, prototype=prototype)


def _judge_and_vote(w, publish=True):
    """A juror scores the prototype 4 of 5 on the one criterion (75 of 100); two votes."""
    from camp.judging.models import Criterion, JuryAssignment, Score, Vote
    camp, p = w["camp"], w["prototype"]
    criterion = Criterion(camp_id=camp.id, name="Value created", weight=1, scale_max=5)
    assignment = JuryAssignment(camp_id=camp.id, juror_id=make_user().id, prototype_id=p.id)
    db.session.add_all([criterion, assignment])
    db.session.flush()
    db.session.add(Score(assignment_id=assignment.id, criterion_id=criterion.id, value=4))
    for _ in range(2):
        db.session.add(Vote(camp_id=camp.id, voter_id=make_user().id, prototype_id=p.id))
    if publish:
        camp.jury_results_published_at = camp.votes_published_at = utcnow()
    db.session.commit()


def test_results_show_only_once_published(app):
    w = world()
    _judge_and_vote(w, publish=False)
    assert pdf.published_results(w["camp"]) == {}
    w["camp"].votes_published_at = utcnow()
    db.session.commit()
    with force_locale("en"):
        assert pdf.published_results(w["camp"]) == {
            w["prototype"].id: [("People's choice", "2 votes, rank 1")]}


def test_the_page_holds_what_the_owner_needs_for_a_meeting(app, client, tmp_path):
    w = world()
    files.add(w["lead"], w["prototype"], _png(), "sketch.png")
    _judge_and_vote(w)
    p = w["prototype"]
    client.post("/language", data={"lang": "en"})
    res = client.get(f"/camps/{w['camp'].slug}/prototypes/{p.id}.pdf")  # anonymous: public
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    # The file name is a slug of the title (the quotes never reach the header).
    assert res.headers["Content-Disposition"] == \
        f'attachment; filename="visiting-friend-on-wheels-{p.id}.pdf"'
    body = res.get_data()
    assert pages(body) == 1
    text = " ".join(pdf_text(tmp_path, body).split())
    for expected in ["Samskab Roskilde 2031", 'Visiting friend "on wheels"',
                     "A visiting friend at every home visit.",
                     "Lonely elderly citizens", "Roskilde Kommune, Ældre og Sundhed",
                     "The Visitors", "Lea Leder", "Røde Kors", "Mads Medlem",
                     "Roskilde Universitet",
                     "The problem as we understood it", "Lonely elderly people are not noticed.",
                     "The solution", "Home care asks, and a volunteer follows up.",
                     "Who benefits", "Elderly citizens and the home care staff.",
                     "Better quality", "More democracy and participation",
                     "What a trial would need", "Two home care groups for three months.",
                     "Next steps", "Meeting with the head of elderly care.",
                     "https://example.org/visiting-friend", "https://example.org/video",
                     "Revision 1", f"/camps/{w['camp'].slug}/prototypes/{p.id}",
                     "75 of 100, rank 1 of 1", "2 votes, rank 1"]:
        assert expected in text, expected
    assert "Draft" not in text
    # The cover's thumbnail is embedded in the page.
    [page] = PdfReader(io.BytesIO(body)).pages
    assert len(page.images) == 1


def test_the_page_shows_the_submitted_revision_and_a_draft_only_to_those_who_see_it(
        app, client, login, tmp_path):
    w = world(status=PrototypeStatus.draft, title="Secret draft")
    url = f"/camps/{w['camp'].slug}/prototypes/{w['prototype'].id}.pdf"
    assert client.get(url).status_code == 404  # anonymous
    login(make_user(locale="en"))
    assert client.get(url).status_code == 404  # someone else
    assert client.get(f"/camps/{w['camp'].slug}/prototypes/999999.pdf").status_code == 404
    other = make_camp(organiser=make_user(), status=CampStatus.published)
    assert client.get(f"/camps/{other.slug}/prototypes/{w['prototype'].id}.pdf"
                      ).status_code == 404
    login(w["member"])
    res = client.get(url)
    assert res.status_code == 200
    text = " ".join(pdf_text(tmp_path, res.get_data()).split())
    assert "Secret draft" in text and "Draft, not submitted" in text
    assert "Revision" not in text


def test_long_texts_are_cut_to_one_page_and_nothing_is_fetched(app, monkeypatch, tmp_path):
    from camp.badges import pdfpool
    asked = []
    real = pdfpool.static_only_fetcher

    def recording(static_dir):
        fetcher = real(static_dir)
        inner = fetcher.fetch

        def fetch(url, *args, **kwargs):
            asked.append(url)
            return inner(url, *args, **kwargs)
        fetcher.fetch = fetch
        return fetcher

    monkeypatch.setattr(pdfpool, "static_only_fetcher", recording)
    para = ("Co-creation takes time, and the home care staff must be part of it from the "
            "first day. ") * 12
    long_md = "\n\n".join([para, "- one\n- two\n- three", para, para])
    w = world(title="A very long title " * 8, pitch="A pitch that goes on " * 14,
              problem=long_md + '\n\n<img src="http://evil.example/tracker.png">'
              + "\n\n![tracker](http://evil.example/md.png)",
              solution=long_md, beneficiaries=long_md, trial_needs=long_md,
              next_steps=long_md + " THE-VERY-END",
              links="\n".join(f"https://example.org/{'x' * 90}/{i}" for i in range(10)))
    for i in range(14):
        db.session.add(TeamMember(
            team_id=w["team"].id, camp_id=w["camp"].id,
            user_id=make_user(name=f"Member {i}", locale="en").id))
    db.session.commit()
    db.session.expire_all()
    with app.test_request_context(), force_locale("en"):
        body = pdf.render_prototype_pdf(w["prototype"])
    assert pages(body) == 1
    text = " ".join(pdf_text(tmp_path, body).split())
    assert "…" in text and "THE-VERY-END" not in text
    for heading in ["The problem as we understood it", "The solution", "Who benefits",
                    "What a trial would need", "Next steps", "Submitted", "Links"]:
        assert heading.lower() in text.lower(), heading
    assert "and 8 more" in text  # 16 members, 8 shown
    assert not [u for u in asked if not u.startswith(("data:", "file://"))]
    assert not [u for u in asked if "evil" in u]


def test_shorten_and_fit():
    assert pdf.shorten("short", 10) == "short"
    cut = pdf.shorten("one two three four five six", 14)
    assert cut.endswith("…") and len(cut) <= 14 and cut.startswith("one two")
    texts = {"a": "x" * 100, "b": "y" * 5000, "c": "", "d": "z" * 5000}
    fitted = pdf.fit(texts, budget=2000)
    assert fitted["a"] == "x" * 100 and fitted["c"] == ""
    assert fitted["b"].endswith("…") and fitted["d"].endswith("…")
    assert abs(len(fitted["b"]) - len(fitted["d"])) <= 1
    assert len(fitted["b"]) + len(fitted["d"]) < 2000
