"""Files and images of a prototype: checked by content (camp.uploads), thumbnails with
Pillow, the cover, downloads, refusals that change nothing, the lock at the deadline."""
import html
import io
import os
import zipfile
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from camp import uploads
from camp.db import utcnow
from camp.errors import Conflict
from camp.extensions import db
from camp.prototypes import files, services
from camp.prototypes.models import PrototypeFile
from tests.factories import make_camp, make_challenge, make_team, make_user


def _image(fmt="PNG", size=(1200, 800)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (20, 120, 90)).save(buf, format=fmt)
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
       b"<script>alert(1)</script></svg>")


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", b"hello")
    return buf.getvalue()


@pytest.fixture
def setup(app):
    camp = make_camp(organiser=make_user(locale="en"))
    lead, member, stranger = (make_user(locale="en") for _ in range(3))
    team = make_team(camp, make_challenge(camp), lead=lead, members=[member])
    make_team(camp, make_challenge(camp), lead=stranger)
    prototype = services.save_draft(lead, team, services.PrototypeData(
        title="Besøgsven", pitch="En ven.", problem="Ensomhed.", solution="Besøg."), 0)
    db.session.commit()
    base = f"/camps/{camp.slug}/prototypes/{prototype.id}"
    return dict(camp=camp, lead=lead, member=member, stranger=stranger, team=team,
                prototype=prototype, base=base)


def _upload(client, base, data, name):
    return client.post(base + "/files", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _get(client, url):
    """A download's status, type and bytes; the response is closed (it holds the file)."""
    response = client.get(url)
    try:
        return response.status_code, response.mimetype, response.data, response.headers
    finally:
        response.close()


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _rows(prototype_id):
    db.session.rollback()
    return db.session.execute(select(PrototypeFile).where(
        PrototypeFile.prototype_id == prototype_id).order_by(PrototypeFile.id)).scalars().all()


def _stored(app):
    folder = os.path.join(app.instance_path, "uploads", files.AREA)
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_an_image_gets_a_thumbnail_and_becomes_the_cover(app, client, login, setup):
    login(setup["member"])
    response = _upload(client, setup["base"], _image("PNG"), "skitse.png")
    assert response.status_code == 303
    [row] = _rows(setup["prototype"].id)
    assert row.content_type == "png" and row.is_cover and row.thumbnail_name
    assert row.display_name == "skitse.png" and row.uploaded_by_id == setup["member"].id
    assert sorted([row.stored_name, row.thumbnail_name]) == _stored(app)
    assert "skitse" not in row.stored_name  # the user's name is never a path
    status, mimetype, data, headers = _get(client, f"{setup['base']}/files/{row.id}/thumbnail")
    assert status == 200 and mimetype == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (480, 320)
    page = client.get(setup["base"]).get_data(as_text=True)
    assert f"/files/{row.id}/thumbnail" in page and "Cover image: skitse.png" in page


def test_a_member_chooses_another_cover(app, client, login, setup):
    login(setup["lead"])
    _upload(client, setup["base"], _image("PNG"), "første.png")
    _upload(client, setup["base"], _image("JPEG", (300, 200)), "foto.jpg")
    _upload(client, setup["base"], PDF, "rapport.pdf")
    first, photo, pdf = _rows(setup["prototype"].id)
    assert [first.is_cover, photo.is_cover, pdf.is_cover] == [True, False, False]
    assert pdf.thumbnail_name is None
    with Image.open(io.BytesIO(_get(client, f"{setup['base']}/files/{photo.id}/thumbnail")[2])
                    ) as img:
        assert img.size == (300, 200) and img.format == "JPEG"  # never enlarged
    response = client.post(f"{setup['base']}/files/{photo.id}/cover", follow_redirects=True)
    assert "\"foto.jpg\" is now the cover." in _text(response)
    assert [f.is_cover for f in _rows(setup["prototype"].id)] == [False, True, False]
    # A PDF cannot be the cover.
    response = client.post(f"{setup['base']}/files/{pdf.id}/cover", follow_redirects=True)
    assert "Only an image (PNG or JPEG) can be the cover." in _text(response)
    assert [f.is_cover for f in _rows(setup["prototype"].id)] == [False, True, False]
    # Deleting the cover passes it to the next image; the stored files go.
    gone = {photo.stored_name, photo.thumbnail_name}
    response = client.post(f"{setup['base']}/files/{photo.id}/delete", follow_redirects=True)
    assert "\"foto.jpg\" is deleted." in _text(response)
    rows = _rows(setup["prototype"].id)
    assert [(f.display_name, f.is_cover) for f in rows] == [("første.png", True),
                                                            ("rapport.pdf", False)]
    assert not gone & set(_stored(app)) and len(_stored(app)) == 3


def test_downloads_are_attachments_with_the_sniffed_type(client, login, setup):
    login(setup["lead"])
    _upload(client, setup["base"], PDF, "Vores rapport.pdf")
    [row] = _rows(setup["prototype"].id)
    status, mimetype, data, headers = _get(client, f"{setup['base']}/files/{row.id}")
    assert status == 200 and data == PDF and mimetype == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert _get(client, f"{setup['base']}/files/{row.id}/thumbnail")[0] == 404


REFUSED = [
    (b"#!/bin/sh\nrm -rf ~\n", "kort.png", "content is not of that type"),
    (SVG, "logo.svg", "SVG images are not accepted"),
    (SVG, "logo.txt", "SVG images are not accepted"),
    (_zip(), "bilag.zip", "Archives (zip and the like) are not accepted"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 300, "kort.png", "could not be read"),
    (b"", "tom.pdf", "The file is empty."),
]


@pytest.mark.parametrize("data,name,message", REFUSED, ids=[r[1] for r in REFUSED])
def test_refused_files_change_nothing(app, client, login, setup, data, name, message):
    login(setup["lead"])
    response = _upload(client, setup["base"], data, name)
    assert response.status_code == 200
    assert message in _text(response)
    assert _rows(setup["prototype"].id) == [] and _stored(app) == []


def test_an_oversized_file_is_refused(app, client, login, setup, monkeypatch):
    # Lowered over HTTP (the test client spools big bodies to temporary files); the
    # 10 MB limit itself is checked through the service below.
    monkeypatch.setattr(files, "MAX_BYTES", 1000)
    login(setup["lead"])
    response = _upload(client, setup["base"], b"%PDF-1.4\n" + b"0" * 1000, "stor.pdf")
    assert response.status_code == 200
    assert "The file is too large: at most 1000 B." in _text(response)
    assert _rows(setup["prototype"].id) == [] and _stored(app) == []


def test_the_service_refuses_over_ten_megabytes(app, setup):
    assert files.MAX_BYTES == 10 * 1024 * 1024
    with pytest.raises(uploads.UploadRefused, match="10 MB"):
        files.add(setup["lead"], setup["prototype"],
                  b"%PDF-1.4\n" + b"0" * files.MAX_BYTES, "stor.pdf")
    db.session.rollback()
    assert _rows(setup["prototype"].id) == [] and _stored(app) == []


def test_at_most_so_many_files(app, setup, monkeypatch):
    monkeypatch.setattr(files, "MAX_PER_PROTOTYPE", 2)
    for n in range(2):
        files.add(setup["lead"], setup["prototype"], PDF, f"{n}.pdf")
        db.session.commit()
    with pytest.raises(Conflict, match="højst have 2 filer"):
        files.add(setup["lead"], setup["prototype"], PDF, "3.pdf")
    db.session.rollback()
    assert len(_rows(setup["prototype"].id)) == 2 and len(_stored(app)) == 2


def test_strangers_cannot_add_or_delete_files(client, login, setup):
    login(setup["lead"])
    _upload(client, setup["base"], _image(), "skitse.png")
    [row] = _rows(setup["prototype"].id)
    login(setup["stranger"])
    assert _upload(client, setup["base"], PDF, "x.pdf").status_code == 404  # a draft
    assert client.post(f"{setup['base']}/files/{row.id}/delete").status_code == 404
    assert _get(client, f"{setup['base']}/files/{row.id}")[0] == 404
    # Once submitted, strangers may read and download, still not change.
    login(setup["lead"])
    client.post(f"/camps/{setup['camp'].slug}/teams/{setup['team'].id}/prototype/submit")
    login(setup["stranger"])
    assert _get(client, f"{setup['base']}/files/{row.id}")[0] == 200
    assert _upload(client, setup["base"], PDF, "x.pdf").status_code == 403
    assert client.post(f"{setup['base']}/files/{row.id}/delete").status_code == 403
    assert client.post(f"{setup['base']}/files/{row.id}/cover").status_code == 403
    assert len(_rows(setup["prototype"].id)) == 1


def test_a_file_of_another_prototype_is_not_found(client, login, setup):
    other_team = make_team(setup["camp"], make_challenge(setup["camp"]), lead=make_user())
    other = services.save_draft(other_team.lead, other_team,
                                services.PrototypeData(title="Andet"), 0)
    db.session.commit()
    row = files.add(other_team.lead, other, PDF, "andet.pdf")
    db.session.commit()
    login(setup["lead"])
    assert _get(client, f"{setup['base']}/files/{row.id}")[0] == 404
    assert client.post(f"{setup['base']}/files/{row.id}/delete").status_code == 404
    assert db.session.get(PrototypeFile, row.id) is not None


def test_no_file_changes_after_the_deadline(app, client, login, setup):
    login(setup["lead"])
    _upload(client, setup["base"], _image(), "skitse.png")
    [row] = _rows(setup["prototype"].id)
    setup["camp"].prototype_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = _upload(client, setup["base"], PDF, "for-sent.pdf")
    assert response.status_code == 200
    assert "The prototype is locked" in _text(response)
    response = client.post(f"{setup['base']}/files/{row.id}/delete", follow_redirects=True)
    assert "The prototype is locked" in _text(response)
    rows = _rows(setup["prototype"].id)
    assert [r.id for r in rows] == [row.id] and len(_stored(app)) == 2


def test_a_thumbnail_is_turned_upright(app):
    img = Image.new("RGB", (600, 300), (1, 2, 3))
    exif = img.getexif()
    exif[0x0112] = 6  # rotated 90° clockwise
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    with Image.open(io.BytesIO(files.make_thumbnail(buf.getvalue(),
                                                    uploads.KINDS["jpeg"]))) as thumb:
        assert thumb.size == (300, 600)


def test_files_go_with_their_prototype(app, setup):
    files.add(setup["lead"], setup["prototype"], _image(), "skitse.png")
    db.session.commit()
    assert len(_stored(app)) == 2
    db.session.delete(setup["prototype"])
    db.session.commit()
    assert _stored(app) == []
    assert db.session.scalar(select(func.count(PrototypeFile.id))) == 0
