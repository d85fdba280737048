"""Real browser, real server: the main pages pass axe-core and work by keyboard-free clicks.

Also a participant's whole path: log in, register, see the waiting-list position.
"""
import pytest

from tests.e2e.conftest import axe_violations, log_in
from tests.e2e.htmlcheck import HtmlPages

SLUG = "samskabelsescamp-2027"
SPRINT = "folkemoedet-integration"  # the past sprint, with submitted prototypes
NATIONAL = "/charters/samskabelsescharter-1-0"  # final, signed
CHARTER = "/charters/samskabelsescharter-for-campen"  # the demo camp's, in consultation
ANONYMOUS = ["/", "/camps/", f"/camps/{SLUG}/", "/login", "/signup", "/password/forgot",
             f"/camps/{SLUG}/challenges/", f"/camps/{SLUG}/challenges/1",
             f"/camps/{SLUG}/teams/", f"/camps/{SLUG}/teams/1",
             f"/camps/{SPRINT}/prototypes/1", f"/camps/{SPRINT}/prototypes/1/revisions/2",
             f"/camps/{SPRINT}/prototypes/1/revisions/2/compare",
             f"/camps/{SPRINT}/gallery/", f"/camps/{SPRINT}/jury/results",
             f"/camps/{SPRINT}/votes/results", "/charters/", f"{NATIONAL}/",
             f"{NATIONAL}/versions/", f"{NATIONAL}/versions/2", f"{NATIONAL}/compare",
             f"{NATIONAL}/signatories", f"{NATIONAL}/sign", f"{CHARTER}/",
             f"{CHARTER}/proposals/", f"{CHARTER}/proposals/4", f"{CHARTER}/clauses/8",
             "/trials/1", "/trials/1/updates", "/trials/1/contract", "/trials/1/reviews",
             "/trials/2/evaluations", "/trials/2/evaluations/1"]
ORGANISER = [f"/camps/{SLUG}/manage/", f"/camps/{SLUG}/manage/edit",
             f"/camps/{SLUG}/manage/programme", f"/camps/{SLUG}/manage/questions",
             f"/camps/{SLUG}/manage/team", f"/camps/{SLUG}/manage/registrations",
             f"/camps/{SLUG}/manage/registrations/mix",
             f"/camps/{SLUG}/manage/registrations/new", "/camps/new",
             f"/camps/{SLUG}/manage/challenges", f"/camps/{SLUG}/manage/challenges/4/decline",
             f"/camps/{SLUG}/manage/teams", f"/camps/{SLUG}/manage/teams/1",
             f"/camps/{SLUG}/manage/teams/placement", f"/camps/{SLUG}/manage/requests",
             f"/camps/{SLUG}/manage/badges", f"/camps/{SLUG}/challenges/4",
             f"/camps/{SLUG}/manage/prototypes", f"/camps/{SPRINT}/manage/prototypes",
             f"/camps/{SPRINT}/manage/feedback", f"/camps/{SPRINT}/manage/jury",
             f"/camps/{SPRINT}/manage/jury/criteria", f"/camps/{SPRINT}/manage/votes",
             f"/camps/{SPRINT}/manage/booklet", f"/camps/{SPRINT}/manage/follow-up",
             "/charters/new", f"{CHARTER}/manage", "/trials/1/edit", "/trials/1/parties/new",
             "/trials/1/reviews/2", "/trials/1/milestones"]
PARTICIPANT = ["/me/registrations", "/me/profile", "/me/password", "/me/delete", "/me/teams",
               f"/camps/{SLUG}/teams/new", f"/camps/{SLUG}/teams/board",
               f"/camps/{SLUG}/teams/board/me", "/trials/1/parties/2/commitment",
               f"{CHARTER}/clauses/8/propose"]
OWNER = ["/me/challenges", "/me/requests", f"/camps/{SLUG}/challenges/new",
         f"/camps/{SLUG}/challenges/1/edit", f"/camps/{SLUG}/challenges/1/owners",
         f"/camps/{SLUG}/challenges/1/requests", "/me/feedback",
         f"/camps/{SPRINT}/prototypes/1/feedback", "/me/trials",
         f"/camps/{SPRINT}/prototypes/1/trial", "/trials/1/parties/1/commitment"]
JURY = [f"/camps/{SPRINT}/jury", f"/camps/{SPRINT}/jury/assignments/1"]


def _check(page, base, paths):
    problems = []
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        assert page.locator("h1").count() >= 1, path
        for v in axe_violations(page):
            problems.append(f"{path}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}")
    problems += [f"console: {m}" for m in page.console_problems]
    return problems


@pytest.mark.parametrize("lang", ["da-DK", "en-GB"])
def test_public_pages_are_accessible(browser, live_server, lang):
    context = browser.new_context(locale=lang)
    page = context.new_page()
    page.console_problems = []
    page.on("console", lambda m: m.type == "error" and page.console_problems.append(m.text))
    problems = _check(page, live_server, ANONYMOUS)
    html_lang = page.locator("html").get_attribute("lang")
    context.close()
    assert html_lang == lang[:2]
    assert not problems, "\n".join(problems)


def test_organiser_pages_are_accessible(page, live_server):
    log_in(page, live_server, "organisator@samskab.dk")
    problems = _check(page, live_server, ORGANISER)
    assert not problems, "\n".join(problems)


def test_participant_pages_are_accessible(page, live_server):
    log_in(page, live_server, "deltager@samskab.dk")
    problems = _check(page, live_server, PARTICIPANT)
    assert not problems, "\n".join(problems)


def test_owner_pages_are_accessible(page, live_server):
    log_in(page, live_server, "problemejer@samskab.dk")
    problems = _check(page, live_server, OWNER)
    assert not problems, "\n".join(problems)


def test_jury_pages_are_accessible(page, live_server):
    log_in(page, live_server, "jury@samskab.dk")
    problems = _check(page, live_server, JURY)
    assert not problems, "\n".join(problems)


def test_every_page_above_is_valid_html(browser, live_server, tmp_path):
    """The server's HTML of each page in the lists above, per role, through the Nu HTML
    Checker in one batch. Fetched raw (the context's request client shares the login
    cookie), so this is what the server sent, not the DOM after scripts ran."""
    pages = HtmlPages(tmp_path / "html")
    roles = [("da-DK", None, ANONYMOUS), ("en-GB", None, ANONYMOUS),
             ("da-DK", "organisator@samskab.dk", ORGANISER),
             ("da-DK", "deltager@samskab.dk", PARTICIPANT),
             ("da-DK", "problemejer@samskab.dk", OWNER), ("da-DK", "jury@samskab.dk", JURY)]
    for lang, email, paths in roles:
        context = browser.new_context(locale=lang)
        if email:
            log_in(context.new_page(), live_server, email)
        for path in paths:
            response = context.request.get(live_server + path,
                                           headers={"Accept-Language": lang})
            assert response.status == 200, path
            pages.add(f"{email or 'anonymous'} {lang} {path}", response.text())
        context.close()
    errors = pages.errors()
    print(f"vnu: {len(pages)} pages in {pages.seconds:.1f} s")
    assert not errors, "\n".join(errors)


def test_a_team_asks_the_owner_and_the_organiser_sees_the_response_time(browser, live_server):
    """Issue 5 in the browser: start a team, ask the owner, the owner answers."""
    def session(email):
        context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="da-DK")
        page = context.new_page()
        log_in(page, live_server, email)
        return context, page

    context, page = session("deltager@samskab.dk")
    page.goto(f"{live_server}/camps/{SLUG}/teams/new")
    page.fill("#name", "Trappevenner")
    page.select_option("#challenge_id", label="Integration af flygtninge i et boligområde")
    page.get_by_role("button", name="Start holdet").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Trappevenner"
    page.get_by_role("link", name="Spørgsmål og anmodninger til problemejeren").click()
    page.fill("#text", "Må vi holde et møde i beboerhuset i aften?")
    page.get_by_role("button", name="Send til problemejeren").click()
    page.wait_for_load_state()
    assert "Må vi holde et møde i beboerhuset i aften?" in page.locator("main").inner_text()
    assert not axe_violations(page)
    context.close()

    context, page = session("problemejer@samskab.dk")
    page.goto(f"{live_server}/me/requests")
    assert "Må vi holde et møde i beboerhuset i aften?" in page.locator("main").inner_text()
    page.goto(f"{live_server}/camps/{SLUG}/challenges/1/requests")
    card = page.locator("li.request", has_text="Må vi holde et møde i beboerhuset i aften?")
    card.locator("textarea").first.fill("Ja, fra kl. 19.")
    card.get_by_role("button", name="Send svar").click()
    page.wait_for_load_state()
    context.close()

    context, page = session("organisator@samskab.dk")
    page.goto(f"{live_server}/camps/{SLUG}/manage/requests?status=answered")
    row = page.locator("tr", has_text="Trappevenner")
    assert row.count() == 1 and "Besvaret" in row.inner_text()
    context.close()


def test_a_challenge_is_posted_accepted_and_teams_are_filled(browser, live_server):
    """Issue 5 in the browser: an owner posts, the organiser publishes, placement applies."""
    def session(email):
        context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="da-DK")
        page = context.new_page()
        log_in(page, live_server, email)
        return context, page

    context, page = session("problemejer@samskab.dk")
    page.goto(f"{live_server}/camps/{SLUG}/challenges/new")
    page.fill("#title", "Tryghed i opgangen")
    page.fill("#owner_organisation", "Boligselskabet 3B")
    page.select_option("#owner_actor_type", "civil_society")
    page.fill("#problem", "Beboerne føler sig utrygge i opgangene om aftenen.")
    page.check("#value_quality")
    page.fill("#noticed_quality", "Flere svarer 'tryg' i beboerundersøgelsen.")
    page.get_by_label("Samproduktion").check()
    page.fill("#commitment", "Vi afprøver den bedste idé i én afdeling i foråret.")
    page.get_by_role("button", name="Gem kladde").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Send til arrangørerne").click()
    page.wait_for_load_state()
    assert not axe_violations(page)
    context.close()

    context, page = session("organisator@samskab.dk")
    page.goto(f"{live_server}/camps/{SLUG}/manage/challenges")
    row = page.locator("tr", has_text="Tryghed i opgangen")
    row.get_by_role("button", name="Godkend og offentliggør").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/camps/{SLUG}/challenges/")
    assert "Tryghed i opgangen" in page.locator("main").inner_text()

    page.goto(f"{live_server}/camps/{SLUG}/manage/teams/placement")
    assert page.locator("select").count() > 0  # people proposed for the teams' free seats
    page.get_by_role("button", name="Gennemfør denne holdfordeling").click()
    page.wait_for_load_state()
    assert page.locator(".flash-success").count() == 1
    page.goto(f"{live_server}/camps/{SLUG}/teams/")
    assert page.locator("main").inner_text().count("Fuldt") >= 1
    context.close()


def test_register_through_the_browser_lands_on_the_waiting_list(page, live_server):
    log_in(page, live_server, "jury@samskab.dk")  # not registered yet; the demo camp is full
    page.goto(f"{live_server}/camps/{SLUG}/")
    page.get_by_role("link", name="Skriv dig på ventelisten").click()
    page.fill("#diet", "vegetar")
    page.select_option("#actor_type", "researcher")
    page.get_by_label("Ja", exact=True).first.check()
    page.check("#consent")
    page.get_by_role("button", name="Tilmeld").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "nummer 11 på ventelisten" in text
    assert not axe_violations(page)
