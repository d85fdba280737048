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


def _text(pdf_path) -> str:
    out = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True,
                         text=True).stdout
    return " ".join(out.split())


def test_chunked_run_in_worker_processes_merges_every_page_in_order(app, tmp_path):
    """A big run's path on a small camp: chunks of 4 badges, two worker processes."""
    from camp.badges.render import render_badges_pdf
    camp = make_camp()
    regs = [make_registration(camp, make_user(name=f"Person {i:02d} Øster")) for i in range(13)]
    progress, stats = [], {}
    with app.test_request_context():
        pdf = render_badges_pdf(camp, regs, "a4-4", progress=progress.append, workers=2,
                                chunk_size=4, stats=stats)
        expected = {ticket_url(r) for r in regs}
    path = tmp_path / "merged.pdf"
    path.write_bytes(pdf)
    assert _pages(path) == 4  # 13 badges, 4 per sheet
    assert progress == [4, 8, 12, 13]
    assert len(stats["worker_peaks_mb"]) == 2
    text = _text(path)
    positions = [text.index(f"Person {i:02d} Øster") for i in range(13)]
    assert positions == sorted(positions)  # the chunks came back in order
    sub = tmp_path / "decode"
    sub.mkdir()
    assert _decode_all(path, sub) == expected


def test_chunk_size_keeps_whole_sheets_and_works_in_process(app, tmp_path):
    from camp.badges.render import render_badges_pdf
    camp = make_camp()
    regs = [make_registration(camp) for _ in range(7)]
    progress = []
    with app.test_request_context():
        pdf = render_badges_pdf(camp, regs, "a4-6", progress=progress.append, workers=1,
                                chunk_size=4)  # rounded down to one sheet of 6
    path = tmp_path / "six.pdf"
    path.write_bytes(pdf)
    assert _pages(path) == 2 and progress == [6, 7]


def test_team_and_chosen_fields_show_on_the_badge(app, client, login, tmp_path):
    from camp.badges.models import BadgeSettings
    from camp.extensions import db
    from tests.factories import make_team
    organiser = make_user()
    camp = make_camp(organiser=organiser)
    member = make_user(name="Tove Teamsen", organisation="Kræftens Bekæmpelse")
    make_team(camp, name="De Grønne Hænder", members=[member])
    make_registration(camp, member)
    make_registration(camp, make_user(name="Ulla Udenhold"))
    login(organiser)

    def badge_text(name):
        res = client.get(f"/camps/{camp.slug}/manage/badges.pdf", query_string={
            "layout": "a4-6"})
        assert res.status_code == 200
        (tmp_path / name).write_bytes(res.get_data())
        return _text(tmp_path / name)

    text = badge_text("with.pdf")
    assert "De Grønne Hænder" in text and "Kræftens Bekæmpelse" in text
    assert text.count("De Grønne Hænder") == 1  # only on the member's badge
    db.session.add(BadgeSettings(camp_id=camp.id, show_team=False, show_organisation=False,
                                 show_actor_type=False, show_role=True))
    db.session.commit()
    text = badge_text("without.pdf")
    assert "Tove Teamsen" in text
    assert "De Grønne Hænder" not in text and "Kræftens Bekæmpelse" not in text
    assert "Administrator" not in text and "Administrativ" not in text  # no actor band


def test_team_names_load_in_a_fixed_number_of_queries(app, query_counter):
    from camp.badges.render import Choices, badge_data, badge_registrations
    from tests.factories import make_team
    camp = make_camp()

    def count(n):
        members = [make_user() for _ in range(n)]
        make_team(camp, members=members)
        for u in members:
            make_registration(camp, u)
        regs = badge_registrations(camp.id)
        with app.test_request_context():
            with query_counter() as queries:
                badges = badge_data(camp, regs, Choices())
        assert all(b["team"] for b in badges)
        return queries()

    assert count(2) == count(6)
