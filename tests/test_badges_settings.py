"""A camp's badge choices: fields, accent colour (contrast checked), logo (checked by content)."""
import io
import os
import re
import shutil
import subprocess

import pytest
from PIL import Image

from camp.badges import settings
from camp.badges.models import BadgeSettings
from camp.badges.settings import contrast_with_white, load_choices, logo_dir
from camp.extensions import db
from tests.factories import make_camp, make_registration, make_user

ALL_ON = {"show_organisation": "y", "show_role": "y", "show_actor_type": "y", "show_team": "y"}


def _image(fmt="PNG", size=(120, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format=fmt)
    return buf.getvalue()


def _settings(camp):
    db.session.commit()
    return db.session.get(BadgeSettings, camp.id)


@pytest.fixture
def organiser_camp(client, login):
    organiser = make_user(locale="en")  # messages asserted in English
    camp = make_camp(organiser=organiser)
    login(organiser)
    return camp


def _post(client, camp, **data):
    return client.post(f"/camps/{camp.slug}/manage/badges/settings", data=data,
                       content_type="multipart/form-data")


def test_the_form_starts_with_everything_shown(client, organiser_camp):
    page = client.get(f"/camps/{organiser_camp.slug}/manage/badges").get_data(as_text=True)
    for name in ALL_ON:
        [tag] = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert "checked" in tag, tag
    assert 'enctype="multipart/form-data"' in page


def test_choices_are_saved_and_a_logo_is_stored_under_a_random_name(app, client,
                                                                     organiser_camp):
    camp = organiser_camp
    res = _post(client, camp, show_team="y", show_role="y", accent_colour="#1565C0",
                logo=(io.BytesIO(_image()), "../../etc/passwd.png"))
    assert res.status_code == 303
    row = _settings(camp)
    assert (row.show_organisation, row.show_role, row.show_actor_type, row.show_team) == \
        (False, True, False, True)
    assert row.accent_colour == "#1565c0"
    assert row.logo_file and "passwd" not in row.logo_file and row.logo_file.endswith(".png")
    stored = os.listdir(logo_dir())
    assert stored == [row.logo_file]
    with app.test_request_context():
        choices = load_choices(camp)
    assert choices.logo.startswith("data:image/png;base64,") and choices.accent == "#1565c0"
    page = client.get(f"/camps/{camp.slug}/manage/badges").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page  # the current logo is shown

    # A new JPEG logo replaces the old file; removing it deletes the file.
    assert _post(client, camp, **ALL_ON, logo=(io.BytesIO(_image("JPEG")), "l.jpg")
                 ).status_code == 303
    row = _settings(camp)
    assert row.logo_file.endswith(".jpg") and os.listdir(logo_dir()) == [row.logo_file]
    assert _post(client, camp, **ALL_ON, remove_logo="y").status_code == 303
    assert _settings(camp).logo_file is None and os.listdir(logo_dir()) == []


@pytest.mark.parametrize("colour,message", [
    ("red", "#rrggbb"),
    ("#12345", "#rrggbb"),
    ("#ffff00", "contrast"),  # yellow: white text unreadable
    ("#7fbfff", "contrast"),
])
def test_a_bad_colour_is_refused_and_nothing_changes(client, organiser_camp, colour, message):
    camp = organiser_camp
    _post(client, camp, **ALL_ON, accent_colour="#0b5c4d")
    res = _post(client, camp, show_team="y", accent_colour=colour)
    assert res.status_code == 200
    body = res.get_data(as_text=True)
    assert message in body and 'id="accent_colour-error"' in body
    row = _settings(camp)
    assert row.accent_colour == "#0b5c4d" and row.show_organisation is True


@pytest.mark.parametrize("data,name,message", [
    (b"just some text, not an image\n" * 10, "logo.png", "PNG or JPEG"),
    (None, "anim.gif", "PNG or JPEG"),  # a real image, of a type we do not take
    ("big", "big.png", "too large"),
])
def test_a_bad_logo_is_refused_and_nothing_is_stored(client, organiser_camp, monkeypatch,
                                                     data, name, message):
    camp = organiser_camp
    if data == "big":
        # A real PNG over the limit (lowered here: the test client spools 1 MB bodies to
        # a temporary file it never closes); the 1 MB limit itself is checked below.
        monkeypatch.setattr(settings, "LOGO_MAX_BYTES", 2000)
        data = _image(size=(400, 400)) + b"\0" * 3000
    if data is None:
        data = _image("GIF")
    res = _post(client, camp, **ALL_ON, accent_colour="#123456",
                logo=(io.BytesIO(data), name))
    assert res.status_code == 200
    body = res.get_data(as_text=True)
    assert message in body and 'id="logo-error"' in body
    assert _settings(camp) is None  # not even the valid colour was saved
    assert not os.path.exists(logo_dir()) or os.listdir(logo_dir()) == []


def test_the_size_limit_is_one_megabyte():
    from camp.errors import DomainError
    png = _image()
    assert settings.check_logo(png + b"\0" * (1024 * 1024 - len(png)))[1] == "png"
    with pytest.raises(DomainError, match="too large"):
        settings.check_logo(png + b"\0" * (1024 * 1024 - len(png) + 1))


def test_contrast_matches_wcag():
    assert round(contrast_with_white("#000000"), 1) == 21.0
    assert round(contrast_with_white("#ffffff"), 1) == 1.0
    assert contrast_with_white("#0b5c4d") > 4.5 > contrast_with_white("#ffff00")


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="needs poppler-utils")
def test_the_logo_and_colour_are_on_the_badges(app, client, organiser_camp, tmp_path):
    camp = organiser_camp
    make_registration(camp, make_user(name="Lise Logo"))
    res = client.get(f"/camps/{camp.slug}/manage/badges.pdf", query_string={"layout": "a4-6"})
    (tmp_path / "before.pdf").write_bytes(res.get_data())
    _post(client, camp, **ALL_ON, accent_colour="#4527a0",
          logo=(io.BytesIO(_image(size=(300, 100))), "logo.png"))
    res = client.get(f"/camps/{camp.slug}/manage/badges.pdf", query_string={"layout": "a4-6"})
    (tmp_path / "after.pdf").write_bytes(res.get_data())

    def images(name):
        out = subprocess.run(["pdfimages", "-list", str(tmp_path / name)],
                             capture_output=True, text=True).stdout
        return [line.split() for line in out.splitlines()[2:]]

    before, after = images("before.pdf"), images("after.pdf")
    assert len(after) == len(before) + 1  # the QR code, and now the logo
    assert any(row[3:5] == ["300", "100"] for row in after)
