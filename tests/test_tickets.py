"""Tickets: QR codes that decode to the ticket, the ticket page and PDF, rotation, e-mail."""
import io
import re
import shutil
import subprocess

import pytest
import zxingcpp
from icalendar import Calendar
from PIL import Image

from camp.registrations.models import RegistrationStatus
from camp.tickets import qr
from camp.tickets.services import ticket_url
from tests.factories import make_camp, make_registration, make_user


def _decode_png(data: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]


def test_confirmation_email_carries_qr_ics_and_link(client, login, outbox):
    camp = make_camp()
    login(make_user())
    client.post(f"/camps/{camp.slug}/register", data=dict(
        name="Mette", organisation="", actor_type="citizen", consent="y"))
    message = outbox[-1]
    link = re.search(r"http://localhost/t/[A-Za-z0-9_-]+", message.body).group(0)
    files = {a[0]: a for a in message.attachments}
    assert _decode_png(files["ticket-qr.png"][1]) == [link]
    event = Calendar.from_ical(files[f"{camp.slug}.ics"][1]).walk("VEVENT")[0]
    assert str(event["summary"]) == camp.title and event.decoded("dtstart") == camp.starts_at


def test_waitlisted_email_has_no_ticket(client, login, outbox):
    camp = make_camp(capacity=0)
    login(make_user())
    client.post(f"/camps/{camp.slug}/register", data=dict(
        name="Mette", organisation="", actor_type="citizen", consent="y"))
    assert "/t/" not in outbox[-1].body and not outbox[-1].attachments


def test_ticket_page_shows_qr_only_for_a_seat(client):
    camp = make_camp()
    reg = make_registration(camp, make_user(name="Karen Kvist"))
    html = client.get(f"/t/{reg.ticket_secret}").get_data(as_text=True)
    assert "Karen Kvist" in html and "<svg" in html and reg.email not in html
    waiting = make_registration(camp, status=RegistrationStatus.waitlisted, confirmed_at=None)
    assert "<svg" not in client.get(f"/t/{waiting.ticket_secret}").get_data(as_text=True)
    assert client.get("/t/" + "A" * 22).status_code == 404
    assert client.get("/t/not a secret!").status_code == 404
    assert client.get("/t/" + "A" * 500).status_code == 404


def test_qr_svg_is_cached_and_scales(app):
    qr.qr_svg.cache_clear()
    first = qr.qr_svg("http://localhost/t/abc")
    second = qr.qr_svg("http://localhost/t/abc")
    assert first is second and qr.qr_svg.cache_info().hits == 1
    assert "viewBox" in first and 'width="' not in first.split(">")[0]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_ticket_pdf_qr_decodes_to_the_ticket(client, tmp_path, app):
    reg = make_registration(make_camp(), make_user(name="Søren Ærø"))
    res = client.get(f"/t/{reg.ticket_secret}.pdf")
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    pdf = tmp_path / "ticket.pdf"
    pdf.write_bytes(res.get_data())
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True)
    page = (tmp_path / "page.png").read_bytes()
    with app.test_request_context():
        assert _decode_png(page) == [ticket_url(reg)]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Søren Ærø" in text


def test_rotating_invalidates_the_old_ticket(client, login):
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    reg = make_registration(camp)
    old = reg.ticket_secret
    login(organiser)
    res = client.post(f"/camps/{camp.slug}/manage/registrations/{reg.id}/rotate-ticket")
    assert res.status_code == 303
    assert reg.ticket_secret != old and len(reg.ticket_secret) >= 22
    assert client.get(f"/t/{old}").status_code == 404
    assert client.get(f"/t/{reg.ticket_secret}").status_code == 200


def test_pdf_fetcher_refuses_anything_but_static(app):
    from camp.documents import _fetcher
    fetcher = _fetcher()
    for url in ("http://127.0.0.1:9/x.png", "file:///etc/passwd",
                f"file://{app.static_folder}/../camp/config.py"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch(f"file://{app.static_folder}/css/app.css")
    assert response is not None
    getattr(response, "close", lambda: None)()
