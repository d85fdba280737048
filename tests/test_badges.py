"""Badge PDFs: layouts, every QR decodes to its ticket, names present, CLI and single badge."""
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image

from camp.auth.models import ActorType
from camp.camps.models import Role
from camp.tickets.services import ticket_url
from tests.factories import add_role, make_camp, make_registration, make_user

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")


def _pages(pdf_path):
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))


def _decode_all(pdf_path, tmp_path) -> set[str]:
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf_path), str(tmp_path / "p")],
                   check=True)
    found = set()
    for png in sorted(tmp_path.glob("p*.png")):
        found |= {r.text for r in zxingcpp.read_barcodes(Image.open(png))}
    return found


def test_a4_sheets_hold_their_count_and_every_qr_decodes(app, client, login, tmp_path):
    organiser = make_user(name="Ole Organisator")
    camp = make_camp(organiser=organiser)
    regs = [make_registration(camp, make_user(name=f"Deltager Ærø {i}",
                                              actor_type=list(ActorType)[i % 9]))
            for i in range(5)]
    regs.append(make_registration(camp, organiser))
    login(organiser)
    for layout, pages in (("a4-4", 2), ("a4-6", 1), ("a4-8", 1), ("label-90x54", 6)):
        res = client.get(f"/camps/{camp.slug}/manage/badges.pdf", query_string={
            "layout": layout})
        assert res.status_code == 200 and res.mimetype == "application/pdf"
        path = tmp_path / f"{layout}.pdf"
        path.write_bytes(res.get_data())
        assert _pages(path) == pages, layout
    sub = tmp_path / "decode"
    sub.mkdir()
    with app.test_request_context():
        expected = {ticket_url(r) for r in regs}
    assert _decode_all(tmp_path / "a4-4.pdf", sub) == expected
    text = subprocess.run(["pdftotext", str(tmp_path / "a4-6.pdf"), "-"], capture_output=True,
                          text=True).stdout
    text = " ".join(text.split())
    assert "Deltager Ærø 3" in text and ("Arrangør" in text or "Organiser" in text)
    assert client.get(f"/camps/{camp.slug}/manage/badges.pdf",
                      query_string={"layout": "a3-99"}).status_code == 400


def test_single_badge_from_the_door(client, login, tmp_path):
    staff = make_user()
    camp = make_camp()
    add_role(staff, camp, Role.staff)
    reg = make_registration(camp, make_user(name="Karen Kvist"))
    login(staff)
    res = client.get(f"/camps/{camp.slug}/checkin/badges/{reg.id}.pdf")
    assert res.status_code == 200
    path = tmp_path / "one.pdf"
    path.write_bytes(res.get_data())
    assert _pages(path) == 1
    other = make_registration(make_camp())
    assert client.get(f"/camps/{camp.slug}/checkin/badges/{other.id}.pdf").status_code == 404


def test_badges_cli(runner, tmp_path):
    camp = make_camp(slug="cli-camp")
    for _ in range(3):
        make_registration(camp)
    out = tmp_path / "b.pdf"
    result = runner.invoke(args=["camp", "badges", "cli-camp", "--layout", "a4-4",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF") and _pages(out) == 1
    assert runner.invoke(args=["camp", "badges", "nope", "--out", str(out)]).exit_code != 0
