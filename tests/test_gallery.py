"""The public gallery: a camp's submitted prototypes as last submitted, filtered by
challenge, value and text, paged, in a constant number of SQL statements."""
import html
import io
from types import SimpleNamespace

from PIL import Image

from camp.camps.models import CampStatus
from camp.db import utcnow
from camp.extensions import db
from camp.gallery import queries
from camp.prototypes.models import REVISED_FIELDS, Prototype, PrototypeRevision, \
    PrototypeStatus
from camp.teams.models import Team
from tests.factories import make_camp, make_challenge, make_prototype, make_team, make_user


def gallery_world(**camp_kw):
    organiser = make_user(locale="en")
    camp = make_camp(organiser=organiser, **camp_kw)
    lonely = make_challenge(camp, title="Ensomhed blandt ældre")
    waste = make_challenge(camp, title="Madspild i kantinen")
    north = make_team(camp, lonely, lead=make_user(), name="Hold Nord")
    south = make_team(camp, waste, lead=make_user(), name="Hold Syd")
    east = make_team(camp, waste, lead=make_user(), name="Hold Øst")
    visit = make_prototype(north, title="Besøgsven på hjul", values=["quality"],
                           pitch="En frivillig følger op efter hjemmebesøget.")
    kitchen = make_prototype(south, title="Fælleskøkken", values=["efficiency", "democracy"],
                             pitch="Overskudsmad bliver til fællesspisning.")
    draft = make_prototype(east, title="Hemmelig kladde", status=PrototypeStatus.draft,
                           submitted_at=None)
    return SimpleNamespace(camp=camp, organiser=organiser, lonely=lonely, waste=waste,
                           north=north, south=south, east=east, visit=visit,
                           kitchen=kitchen, draft=draft)


def _url(w, **args):
    from urllib.parse import urlencode
    return f"/camps/{w.camp.slug}/gallery/" + (f"?{urlencode(args)}" if args else "")


def _get(client, url):
    res = client.get(url, headers={"Accept-Language": "en"})
    assert res.status_code == 200
    return html.unescape(res.get_data(as_text=True))


def _cards(page: str) -> list[str]:
    """The card titles, in order."""
    import re
    return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', page)


def test_only_submitted_prototypes_with_their_cards(client):
    w = gallery_world()
    page = _get(client, _url(w))
    assert _cards(page) == ["Besøgsven på hjul", "Fælleskøkken"]
    assert "Hemmelig kladde" not in page
    assert f'href="/camps/{w.camp.slug}/prototypes/{w.visit.id}"' in page
    for text in ("Hold Nord", "Ensomhed blandt ældre", "En frivillig følger op",
                 "Better quality", "Higher efficiency", "More democracy and participation",
                 "2 prototypes."):
        assert text in page


def test_the_card_shows_what_was_submitted_not_the_draft(client):
    w = gallery_world()
    w.visit.title = "Ny titel i kladden"
    w.visit.pitch = "Ikke indsendt endnu."
    db.session.commit()
    page = _get(client, _url(w))
    assert "Besøgsven på hjul" in page and "Ny titel i kladden" not in page
    assert "Ikke indsendt endnu." not in page
    # A second revision is what shows then.
    rev = PrototypeRevision(prototype_id=w.visit.id, number=2,
                            data={f: getattr(w.visit, f) for f in REVISED_FIELDS})
    db.session.add(rev)
    db.session.commit()
    page = _get(client, _url(w))
    assert "Ny titel i kladden" in page and "Besøgsven på hjul" not in page


def test_cover_thumbnail(client):
    from camp.prototypes.files import add as add_file, set_cover
    w = gallery_world()
    png = io.BytesIO()
    Image.new("RGB", (80, 60), (20, 120, 90)).save(png, format="PNG")
    f = add_file(w.north.lead, w.visit, png.getvalue(), "skitse.png")
    db.session.commit()
    if not f.is_cover:
        set_cover(w.north.lead, w.visit, f)
        db.session.commit()
    page = _get(client, _url(w))
    src = f"/camps/{w.camp.slug}/prototypes/{w.visit.id}/files/{f.id}/thumbnail"
    assert f'src="{src}"' in page
    res = client.get(src)
    assert res.status_code == 200 and res.mimetype.startswith("image/")
    res.close()


def test_filters_by_challenge_value_and_text_and_keep_their_values(client):
    w = gallery_world()
    page = _get(client, _url(w, challenge=w.waste.id))
    assert _cards(page) == ["Fælleskøkken"]
    assert f'<option selected value="{w.waste.id}">' in page
    # The draft's challenge is offered only because of a submitted prototype on it.
    assert f'value="{w.lonely.id}"' in page
    assert _cards(_get(client, _url(w, value="efficiency"))) == ["Fælleskøkken"]
    assert _cards(_get(client, _url(w, value="quality"))) == ["Besøgsven på hjul"]
    assert _cards(_get(client, _url(w, value="other"))) == []
    page = _get(client, _url(w, q="OVERSKUDSMAD"))  # the pitch, any case
    assert _cards(page) == ["Fælleskøkken"] and 'value="OVERSKUDSMAD"' in page
    assert _cards(_get(client, _url(w, q="besøgsven"))) == ["Besøgsven på hjul"]
    assert _cards(_get(client, _url(w, q="BESØGSVEN"))) == ["Besøgsven på hjul"]
    assert _cards(_get(client, _url(w, q="kladde"))) == []  # drafts never
    assert _cards(_get(client, _url(w, q="100%"))) == []
    page = _get(client, _url(w, q="ingenting", challenge=w.waste.id, value="quality"))
    assert "No prototypes match." in page
    # Unknown values are ignored rather than failing.
    assert _cards(_get(client, _url(w, value="nonsense"))) == \
        ["Besøgsven på hjul", "Fælleskøkken"]
    assert _cards(_get(client, _url(w, challenge="abc"))) == \
        ["Besøgsven på hjul", "Fælleskøkken"]


def test_empty_state(client):
    w = gallery_world()
    w.visit.status = w.kitchen.status = PrototypeStatus.draft
    db.session.commit()
    assert "No prototypes are submitted for this camp yet." in _get(client, _url(w))


def _bulk_prototypes(camp, challenge, n, prefix="Prototype"):
    """n submitted prototypes with a revision each, in one commit (fast)."""
    teams = [Team(camp=camp, challenge=challenge, name=f"{prefix}-hold {i:03d}")
             for i in range(n)]
    db.session.add_all(teams)
    db.session.flush()
    now = utcnow()
    for i, team in enumerate(teams):
        values = ["quality"] if i % 2 else ["efficiency"]
        p = Prototype(camp_id=camp.id, team_id=team.id, challenge_id=challenge.id,
                      title=f"{prefix} {i:03d}", pitch="Kort pitch.", values=values,
                      status=PrototypeStatus.submitted, submitted_at=now)
        p.revisions.append(PrototypeRevision(
            number=1, data={f: getattr(p, f) or ("" if f != "values" else [])
                            for f in REVISED_FIELDS}, submitted_at=now))
        db.session.add(p)
    db.session.commit()


def test_pagination(client):
    w = gallery_world()
    _bulk_prototypes(w.camp, w.lonely, 30, prefix="Zeta")
    page = _get(client, _url(w))
    assert "32 prototypes." in page and len(_cards(page)) == queries.PER_PAGE
    assert "Page 1 of 2" in page
    assert f'href="/camps/{w.camp.slug}/gallery/?page=2"' in page
    page2 = _get(client, _url(w, page=2))
    assert len(_cards(page2)) == 32 - queries.PER_PAGE and "Zeta 029" in page2
    assert not set(_cards(page)) & set(_cards(page2))
    # The filters ride along in the pager.
    # 15 of the bulk ones plus Fælleskøkken: one page, no pager.
    page = _get(client, _url(w, value="efficiency"))
    assert "16 prototypes." in page and 'class="pager"' not in page
    filtered = _get(client, _url(w, q="zeta"))
    assert "30 prototypes." in filtered and "q=zeta" in filtered and "page=2" in filtered
    # A page past the end shows the last one.
    assert _cards(_get(client, _url(w, page=99))) == _cards(page2)


def test_a_draft_camp_is_hidden_from_the_public(client, login):
    w = gallery_world(status=CampStatus.draft)
    assert client.get(_url(w)).status_code == 404
    login(make_user())
    assert client.get(_url(w)).status_code == 404
    login(w.organiser)
    assert _cards(_get(client, _url(w))) == ["Besøgsven på hjul", "Fælleskøkken"]


def test_results_links_only_when_published(client, app):
    w = gallery_world()
    page = _get(client, _url(w))
    assert "People's choice results" not in page and "Jury results" not in page
    w.camp.votes_published_at = utcnow()
    db.session.commit()
    page = _get(client, _url(w))
    assert f'href="/camps/{w.camp.slug}/votes/results"' in page
    w.camp.jury_results_published_at = utcnow()
    db.session.commit()
    page = _get(client, _url(w))
    has_jury = any(r.endpoint == "judging.results" for r in app.url_map.iter_rules())
    assert ("Jury results" in page) == has_jury


def test_constant_number_of_statements(client, query_counter):
    small = make_camp()
    big = make_camp()
    challenge_small = make_challenge(small)
    challenge_big = make_challenge(big)
    _bulk_prototypes(small, challenge_small, 5)
    _bulk_prototypes(big, challenge_big, 200)

    def count(camp, **args):
        from urllib.parse import urlencode
        url = f"/camps/{camp.slug}/gallery/" + (f"?{urlencode(args)}" if args else "")
        with query_counter() as n:
            res = client.get(url, headers={"Accept-Language": "en"})
        assert res.status_code == 200
        return n(), res.get_data(as_text=True)

    few, page = count(small)
    many, page_big = count(big)
    assert "5 prototypes." in page and "200 prototypes." in page_big
    assert few == many, (few, many)
    assert many <= 8
    assert count(small, value="quality", q="prototype")[0] == \
        count(big, value="quality", q="prototype", page=3)[0]
