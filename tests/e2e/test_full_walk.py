"""Issue 9: the whole life of a camp in a real browser, once in Danish and once in English.

An organiser creates a 24-hour camp from the template and publishes it; a new participant
signs up and registers; the QR code in the ticket e-mail is decoded and typed into the
scanner's keyboard-wedge field by a staff member; a problem owner posts a challenge that the
organiser publishes; the participant starts a team; the team submits a prototype; a juror
scores it; the owner starts a trial and posts an update; on the camp's charter the participant
proposes a change, the organiser (an editor) accepts it and declares the version final, and an
organisation signs and confirms by the link in its e-mail.

Everything goes through the pages, by clicks and typing; the e-mails are read from the live
server's outbox folder (there is no inbox UI). Every page visited is checked with axe-core
(no serious or critical violations) and its HTML, as the server sent it, with the Nu HTML
Checker in one batch per language. The English walk switches the language with the site's
switcher (each person's browser session, so the shared demo accounts keep Danish).
"""
from __future__ import annotations

import io
import re
import secrets
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, axe_violations, mail_text, newest_mail
from tests.e2e.htmlcheck import HtmlPages

ORGANISER = "organisator@samskab.dk"
STAFF = "frivillig@samskab.dk"
OWNER = "problemejer@samskab.dk"
JUROR = "jury@samskab.dk"
BAD_IMPACTS = ("serious", "critical")


class Walk:
    """Browser sessions for the people in the walk; every page they land on is checked."""

    def __init__(self, browser, base: str, lang: str, html: HtmlPages):
        self.browser, self.base, self.lang, self.html = browser, base, lang, html
        self.problems: list[str] = []
        self.contexts = []
        self.visited = 0

    def person(self, email: str | None = None):
        """A fresh browser (context) for one person, in the walk's language, logged in."""
        context = self.browser.new_context(viewport={"width": 1200, "height": 900},
                                           locale="da-DK")
        context.set_default_timeout(10_000)  # fail fast: every step here takes < 1 s
        self.contexts.append(context)
        page = context.new_page()
        page.documents = []
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm asks first
        page.on("response", lambda r: r.request.resource_type == "document"
                and r.frame == page.main_frame and page.documents.append(r))
        page.on("console", lambda m: m.type == "error"
                and self.problems.append(f"console: {m.text}"))
        self.goto(page, "/login")
        if self.lang != "da":  # the site's language switcher (kept in the session)
            self.click(page, page.locator(f".lang-switch button[value={self.lang}]"))
            assert page.locator("html").get_attribute("lang") == self.lang
        if email:
            page.fill("#email", email)
            page.fill("#password", DEMO_PASSWORD)
            self.click(page, page.locator("main button[type=submit]"))
            assert "/login" not in page.url, f"{email} could not log in"
        return page

    def check(self, page, what: str = "") -> None:
        """axe on the page as shown, and the server's HTML of it for the checker."""
        self.visited += 1
        label = f"{self.lang} {what or page.url.replace(self.base, '')}"
        for v in axe_violations(page):
            if v["impact"] in BAD_IMPACTS:
                self.problems.append(f"{label}: {v['id']} ({v['impact']}) {v['help']} "
                                     f"{v['nodes']}")
        document = page.documents[-1] if page.documents else None
        if document is not None and document.status == 200 \
                and "text/html" in document.headers.get("content-type", ""):
            self.html.add(label, document.text())
        else:
            self.problems.append(f"{label}: no HTML document "
                                 f"({document.status if document else 'none'})")

    def goto(self, page, path: str):
        response = page.goto(self.base + path)
        assert response.status == 200, f"{path}: {response.status}"
        self.check(page)
        return page

    def click(self, page, locator):
        """Click something that loads a new page (a link or a form's button)."""
        with page.expect_navigation():
            locator.click()
        page.wait_for_load_state()
        self.check(page)
        return page

    def follow(self, page, pattern: str):
        """Click the first link in main whose address matches the regular expression."""
        hrefs = page.eval_on_selector_all("main a[href]",
                                          "els => els.map(e => e.getAttribute('href'))")
        href = next((h for h in hrefs if re.search(pattern, h)), None)
        assert href, f"no link like {pattern} on {page.url}"
        return self.click(page, page.locator(f'main a[href="{href}"]').first)

    def submit(self, page, form_selector: str):
        return self.click(page, page.locator(f"{form_selector} button[type=submit]").first)

    def close(self):
        for context in self.contexts:
            context.close()


def _local(dt: datetime) -> str:
    return dt.astimezone(ZoneInfo("Europe/Copenhagen")).strftime("%Y-%m-%dT%H:%M")


def _decode_qr(message) -> str:
    import zxingcpp
    from PIL import Image
    png = next(part for part in message.iter_attachments()
               if part.get_content_type() == "image/png")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.get_content())))
    assert len(found) == 1, "no QR code in the ticket e-mail's picture"
    return found[0].text


def _link(text: str, pattern: str) -> str:
    found = re.search(r"http://\S+" + pattern + r"\S*", text)
    assert found, f"no link matching {pattern} in:\n{text}"
    return found.group(0).rstrip(".>)")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_camp_from_template_to_signed_charter(browser, live_server, lang, tmp_path):
    started = time.monotonic()
    tag = f"{lang}{secrets.token_hex(3)}"
    html = HtmlPages(tmp_path / "html")
    walk = Walk(browser, live_server, lang, html)
    try:
        _walk(walk, tag)
    finally:
        walk.close()
    walked = time.monotonic() - started
    errors = html.errors()
    print(f"\n{lang}: {walk.visited} pages walked in {walked:.1f} s; "
          f"vnu checked {len(html)} pages in {html.seconds:.1f} s")
    assert not walk.problems, "\n".join(walk.problems)
    assert not errors, "\n".join(errors)


def _walk(walk: Walk, tag: str) -> None:
    title = f"Døgncamp {tag}"
    slug = f"doegncamp-{tag}"
    participant = f"deltager-{tag}@example.dk"

    # -- The organiser creates the camp from the 24-hour template and invites helpers ------
    org = walk.person(ORGANISER)
    walk.goto(org, "/camps/new")
    org.check("input[name=format][value=camp24]")
    org.fill("#title", title)
    org.fill("#slug", slug)
    org.fill("#venue", "Dokk1, Aarhus")
    org.fill("#starts_at", _local(datetime.now(ZoneInfo("UTC")) + timedelta(minutes=30)))
    org.fill("#capacity", "40")
    if not org.input_value("#consent_text"):
        org.fill("#consent_text", "Vi bruger dine oplysninger til campen.")
    walk.submit(org, "main form[method=post]")
    assert f"/camps/{slug}/manage" in org.url, org.url
    walk.goto(org, f"/camps/{slug}/manage/programme")
    assert org.locator("main table tbody tr").count() >= 10  # the template's programme
    walk.goto(org, f"/camps/{slug}/manage/")
    walk.click(org, org.locator("form[action$='/manage/status']:has(input[value=published]) "
                                "button"))
    for email, role in ((STAFF, "staff"), (JUROR, "jury")):
        walk.goto(org, f"/camps/{slug}/manage/team")
        org.fill("#email", email)
        org.select_option("#role", role)
        walk.submit(org, "main form[method=post]:has(#email)")
    invitations = {email: _link(mail_text(newest_mail(email)), "/invitations/")
                   for email in (STAFF, JUROR)}

    # -- A new participant signs up and registers ------------------------------------------
    person = walk.person()
    walk.goto(person, "/signup")
    person.fill("#name", f"Dorte Deltager {tag}")
    person.fill("#email", participant)
    person.fill("#organisation", "Aarhus Kommune")
    person.select_option("#actor_type", index=1)
    person.fill("#password", "en-lang-adgangskode-" + tag)
    person.fill("#password_confirm", "en-lang-adgangskode-" + tag)
    walk.submit(person, "main form[method=post]")
    walk.goto(person, f"/camps/{slug}/")
    walk.follow(person, rf"/camps/{slug}/register$")
    person.fill("#diet", "vegetar")
    for group in person.locator("main form fieldset").all():  # the template's questions
        options = group.locator("input[type=radio], input[type=checkbox]")
        if options.count() and not group.locator("input#consent").count():
            options.first.check()
    person.check("#consent")
    walk.submit(person, "main form[method=post]")
    assert re.search(r"/me/registrations/\d+$", person.url), person.url

    # -- The ticket's QR code from the e-mail, scanned at the door -------------------------
    ticket = _decode_qr(newest_mail(participant))
    assert "/t/" in ticket
    staff = walk.person(STAFF)
    walk.goto(staff, invitations[STAFF].replace(walk.base, ""))
    walk.submit(staff, "main form[method=post]")
    walk.goto(staff, f"/camps/{slug}/checkin")
    staff.wait_for_selector("[data-scanner][data-ready]")
    staff.locator("#ticket").click()
    staff.keyboard.type(ticket)  # a USB scanner is a keyboard: the text, then Enter
    staff.keyboard.press("Enter")
    staff.wait_for_selector("#js-result.scan-ok:not([hidden])")
    assert f"Dorte Deltager {tag}" in staff.inner_text("#js-result")
    walk.check(staff, "scanner after the scan")

    # -- A problem owner posts a challenge; the organiser publishes it ---------------------
    owner = walk.person(OWNER)
    walk.goto(owner, f"/camps/{slug}/challenges/new")
    challenge = f"Ensomhed blandt ældre {tag}"
    owner.fill("#title", challenge)
    owner.fill("#owner_organisation", "Aarhus Kommune, Sundhed og Omsorg")
    owner.select_option("#owner_actor_type", "administrator")
    owner.fill("#problem", "Mange ældre i lokalområdet ser sjældent andre mennesker.")
    owner.check("#value_quality")
    owner.fill("#noticed_quality", "Færre svarer 'ofte ensom' i trivselsmålingen.")
    owner.locator("input[name=mode]").first.check()
    owner.fill("#commitment", "Vi afprøver den bedste idé i to lokalcentre.")
    walk.submit(owner, "main form[method=post]")
    walk.click(owner, owner.locator("form[action$='/submit'] button"))
    challenge_url = re.sub(r"/(edit)?$", "", owner.url.split("?")[0])
    challenge_id = int(re.search(r"/challenges/(\d+)", challenge_url).group(1))

    walk.goto(org, f"/camps/{slug}/manage/challenges")
    walk.click(org, org.locator(f"form[action$='/challenges/{challenge_id}/publish'] button"))
    walk.goto(org, f"/camps/{slug}/challenges/")
    assert challenge in org.locator("main").inner_text()

    # -- The participant starts a team on it and the team submits a prototype --------------
    walk.goto(person, f"/camps/{slug}/teams/new")
    team = f"Naboskab {tag}"
    person.fill("#name", team)
    person.select_option("#challenge_id", str(challenge_id))
    person.fill("#pitch", "Vi kobler ældre og unge naboer over en kop kaffe.")
    walk.submit(person, "main form[method=post]")
    assert person.locator("h1").inner_text() == team
    walk.follow(person, r"/teams/\d+/prototype$")
    person.fill("#title", f"Kaffe på trappen {tag}")
    person.fill("#pitch", "Ugentlig kaffe i opgangen, arrangeret af de unge.")
    person.fill("#problem", "Ældre i opgangene mødes ikke.")
    person.fill("#solution", "En fast kaffe hver torsdag med en vært fra opgangen.")
    walk.submit(person, "form.prototype-form")
    assert re.search(rf"/camps/{slug}/prototypes/\d+$", person.url), person.url  # saved
    walk.click(person, person.locator("form[action$='/prototype/submit'] button"))
    prototype_url = person.url.split("?")[0]
    prototype_id = int(re.search(r"/prototypes/(\d+)", prototype_url).group(1))

    # -- The organiser sets the criteria and the jury; the juror scores --------------------
    walk.goto(org, f"/camps/{slug}/manage/jury/criteria")
    walk.click(org, org.locator("form[action$='/criteria/presets'] button"))
    juror = walk.person(JUROR)
    walk.goto(juror, invitations[JUROR].replace(walk.base, ""))
    walk.submit(juror, "main form[method=post]")
    walk.goto(org, f"/camps/{slug}/manage/jury")
    walk.submit(org, "form[action$='/manage/jury/assign']")
    walk.goto(juror, f"/camps/{slug}/jury")
    walk.follow(juror, rf"/camps/{slug}/jury/assignments/\d+$")
    scales = juror.locator("div.score-scale")
    assert scales.count() == 7  # the seven principles of co-creation
    for i in range(scales.count()):
        scales.nth(i).locator("input[value='4']").check()
    juror.fill("#comment", "Enkel og billig at afprøve.")
    walk.submit(juror, "form.score-form")

    # -- The owner starts a trial from the prototype and posts an update -------------------
    walk.goto(owner, f"/camps/{slug}/prototypes/{prototype_id}")
    walk.follow(owner, rf"/prototypes/{prototype_id}/trial$")
    owner.fill("form.trial-form #title", f"Kaffe på trappen i Gellerup {tag}")
    owner.fill("form.trial-form #municipality", "Aarhus")
    walk.submit(owner, "form.trial-form")
    assert re.search(r"/trials/\d+$", owner.url), owner.url
    owner.locator("details:has(form.trial-update-form) > summary").click()
    owner.fill("form.trial-update-form #body", "Tre opgange holder nu kaffe hver torsdag.")
    owner.fill("form.trial-update-form #progress", "20")
    walk.submit(owner, "form.trial-update-form")
    assert "Tre opgange holder nu kaffe hver torsdag." in owner.locator("main").inner_text()

    # -- The camp's charter: proposal, acceptance, final version, a signature --------------
    walk.goto(org, "/charters/new")
    org.fill("#title", f"Charter for {title}")
    org.select_option("#camp_id", label=title)
    org.fill("#introduction", "Sådan samarbejder vi efter campen.")
    walk.submit(org, "main form[method=post]")
    charter = re.search(r"(/charters/[^/]+)/", org.url).group(1)
    walk.goto(org, f"{charter}/manage")
    org.fill("form[action$='/manage/sections'] input[name$=title]", "Værdi")
    walk.submit(org, "form[action$='/manage/sections']")
    org.locator("details.add-clause > summary").first.click()
    org.fill("form[action$='/clauses'] textarea[name$=text]", "Vi måler, om idéerne skaber værdi.")
    walk.submit(org, "form[action$='/clauses']")
    org.check("form[action$='/manage/phase'] input[value=consultation]")
    org.fill("form[action$='/manage/phase'] input[name$=closes_at]",
             _local(datetime.now(ZoneInfo("UTC")) + timedelta(days=14)))
    walk.submit(org, "form[action$='/manage/phase']")

    walk.goto(person, f"{charter}/")
    walk.follow(person, r"/clauses/\d+/propose$")
    person.check("input[name=kind][value=replace]")
    person.fill("#text", "Vi måler, om idéerne skaber værdi for borgerne.")
    person.fill("#rationale", "Værdien skal være borgernes.")
    walk.submit(person, "main form[method=post]")
    proposal = person.url.replace(walk.base, "")
    assert re.search(r"/proposals/\d+$", proposal), proposal

    walk.goto(org, proposal)
    org.check("input[name=decision][value=accept]")
    walk.submit(org, "form[action$='/decide']")
    walk.goto(org, f"{charter}/versions/")
    walk.click(org, org.locator("form[action$='/final'] button").first)

    signer = walk.person()
    walk.goto(signer, f"{charter}/sign")
    signer_email = f"borgmester-{tag}@example.dk"
    signer.fill("#organisation", f"Aarhus Kommune {tag}")
    signer.fill("#signer_name", "Anders Aarhus")
    signer.fill("#signer_title", "Borgmester")
    signer.fill("#email", signer_email)
    signer.check("#consent")
    walk.submit(signer, "main form[method=post]")
    walk.goto(signer, _link(mail_text(newest_mail(signer_email)), "/signatures/confirm/")
              .replace(walk.base, ""))
    walk.submit(signer, "main form[method=post]")
    walk.goto(signer, f"{charter}/signatories")
    assert f"Aarhus Kommune {tag}" in signer.locator("main").inner_text()
