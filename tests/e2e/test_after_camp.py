"""Issues 6–8 in the browser, on the demo: a juror scores and the results are published, an
owner reports progress on a trial, a charter proposal is made and accepted, and an
organisation signs the final charter through the link in its e-mail."""
import re

from tests.e2e.conftest import axe_violations, log_in, mail_text, newest_mail

SPRINT = "folkemoedet-integration"
CHARTER = "/charters/samskabelsescharter-for-campen"
NATIONAL = "/charters/samskabelsescharter-1-0"


def _session(browser, base, email):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="da-DK")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm asks first
    log_in(page, base, email)
    return context, page


def _submit(page, form_selector):
    page.locator(f"{form_selector} button[type=submit]").first.click()
    page.wait_for_load_state()


def test_a_juror_scores_and_the_organiser_publishes_the_results(browser, live_server):
    context, page = _session(browser, live_server, "organisator@samskab.dk")
    page.goto(f"{live_server}/camps/{SPRINT}/jury/results")
    _submit(page, "form[action$='/jury/results/unpublish']")
    context.close()

    context, page = _session(browser, live_server, "jury@samskab.dk")
    page.goto(f"{live_server}/camps/{SPRINT}/jury/assignments/1")
    scales = page.locator("div.score-scale")
    assert scales.count() == 7  # the seven preset criteria, each a group of radio buttons
    for i in range(scales.count()):
        scales.nth(i).locator("input[value='1']").check()
    page.fill("#comment", "Mangler en plan for finansieringen.")
    _submit(page, "form.score-form")
    assert not axe_violations(page)
    context.close()

    context, page = _session(browser, live_server, "organisator@samskab.dk")
    page.goto(f"{live_server}/camps/{SPRINT}/jury/results")
    _submit(page, "form[action$='/jury/results/publish']")
    context.close()
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    page.goto(f"{live_server}/camps/{SPRINT}/jury/results")
    assert "Mangler en plan for finansieringen." not in page.content()  # organisers only
    assert page.locator("table tbody tr").count() >= 3
    context.close()


def test_the_owner_reports_progress_on_a_trial(browser, live_server):
    context, page = _session(browser, live_server, "problemejer@samskab.dk")
    page.goto(f"{live_server}/trials/1")
    page.locator("details:has(form.trial-update-form) > summary").click()  # "Post an update"
    page.fill("form.trial-update-form #body", "Ti familier har nu en velkomstven.")
    page.fill("form.trial-update-form #progress", "65")
    _submit(page, "form.trial-update-form")
    page.goto(f"{live_server}/trials/1")
    main = page.locator("main").inner_text()
    assert "Ti familier har nu en velkomstven." in main and "65" in main
    assert not axe_violations(page)
    context.close()


def test_a_proposal_is_made_accepted_and_becomes_a_version(browser, live_server):
    context, page = _session(browser, live_server, "deltager@samskab.dk")
    page.goto(f"{live_server}{CHARTER}/clauses/8/propose")
    page.check("input[name=kind][value=replace]")
    page.fill("#text", "Samskabelse skal skabe målbar værdi for borgerne.")
    page.fill("#rationale", "Værdien skal kunne vises.")
    _submit(page, "main form[method=post]")
    proposal_url = page.url
    assert re.search(r"/proposals/\d+$", proposal_url)
    assert page.locator("ins").count() >= 1  # the word-level difference
    context.close()

    context, page = _session(browser, live_server, "organisator@samskab.dk")
    page.goto(proposal_url)
    page.check("input[name=decision][value=accept]")
    _submit(page, "form[action$='/decide']")
    page.goto(f"{live_server}{CHARTER}/")
    assert "Samskabelse skal skabe målbar værdi for borgerne." in page.locator("main").inner_text()
    page.goto(f"{live_server}{CHARTER}/versions/3")
    assert "Samskabelse skal skabe målbar værdi for borgerne." in page.locator("main").inner_text()
    page.goto(f"{live_server}{CHARTER}/compare?a=2&b=3")
    assert page.locator("ins").count() >= 1
    assert not axe_violations(page)
    context.close()


def test_an_organisation_signs_the_final_charter_by_the_link_in_its_e_mail(browser,
                                                                           live_server):
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    page.goto(f"{live_server}{NATIONAL}/sign")
    page.fill("#organisation", "Odense Kommune")
    page.fill("#signer_name", "Ole Odense")
    page.fill("#signer_title", "Borgmester")
    page.fill("#email", "ole@odense.example.dk")
    page.check("#consent")
    _submit(page, "main form[method=post]")
    link = re.search(r"http://\S+/signatures/confirm/\S+",
                     mail_text(newest_mail("ole@odense.example.dk")))
    assert link
    page.goto(link.group(0).rstrip(".>"))
    _submit(page, "main form[method=post]")
    page.goto(f"{live_server}{NATIONAL}/signatories")
    assert "Odense Kommune" in page.locator("main").inner_text()
    context.close()
