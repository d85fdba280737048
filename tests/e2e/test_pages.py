"""Real browser, real server: the main pages pass axe-core and work by keyboard-free clicks.

Also a participant's whole path: log in, register, see the waiting-list position.
"""
import pytest

from tests.e2e.conftest import axe_violations, log_in

SLUG = "samskabelsescamp-2027"
ANONYMOUS = ["/", "/camps/", f"/camps/{SLUG}/", "/login", "/signup", "/password/forgot"]
ORGANISER = [f"/camps/{SLUG}/manage/", f"/camps/{SLUG}/manage/edit",
             f"/camps/{SLUG}/manage/programme", f"/camps/{SLUG}/manage/questions",
             f"/camps/{SLUG}/manage/team", f"/camps/{SLUG}/manage/registrations",
             f"/camps/{SLUG}/manage/registrations/mix",
             f"/camps/{SLUG}/manage/registrations/new", "/camps/new"]
PARTICIPANT = ["/me/registrations", "/me/profile", "/me/password", "/me/delete"]


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
