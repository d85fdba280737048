"""Attachments on challenges, on the shared uploads module (camp.uploads).

Files are checked by content, stored under random names, served as downloads with the
sniffed type and nosniff; refused files change nothing on disk or in the database.
"""
import io
import os
import zipfile

import pytest
from PIL import Image
from sqlalchemy import func, select

from camp import uploads
from camp.challenges import attachments
from camp.challenges.models import ChallengeAttachment, ChallengeStatus
from camp.errors import Conflict
from camp.extensions import db
from tests.factories import make_camp, make_challenge, make_user


# Sample files ---------------------------------------------------------------------------

def _image(fmt="PNG", size=(60, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (20, 120, 90)).save(buf, format=fmt)
    return buf.getvalue()


def _pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n"
            b"%%EOF\n")


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in entries.items():
            zf.writestr(name, body)
    return buf.getvalue()


def _office(part: str) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>",
                 f"{part}/document.xml": b"<doc/>"})


SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
       b"<script>alert(1)</script></svg>")

ACCEPTED = [
    (_pdf(), "Rapport om ensomhed.pdf", "pdf", "application/pdf"),
    (_image("PNG"), "kort.png", "png", "image/png"),
    (_image("JPEG"), "foto.jpeg", "jpeg", "image/jpeg"),
    ("Tal fra 2024: 17 % føler sig ensomme.\n".encode(), "noter.txt", "text", "text/plain"),
    (b"omraade;beboere\nMusicon;1200\n", "data.csv", "text", "text/plain"),
    (_office("word"), "brief.docx", "docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (_office("xl"), "tal.xlsx", "xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (_office("ppt"), "slides.pptx", "pptx",
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
]

REFUSED = [
    (b"#!/bin/sh\nrm -rf ~\n", "kort.png", "content is not of that type"),
    (b"\x89PNG\r\n\x1a\n" + os.urandom(300), "kort.png", "could not be read"),
    (_image("PNG")[:60], "cut.png", "could not be read"),
    (_zip({"a.txt": b"hello"}), "bilag.zip", "Archives"),
    (_zip({"a.txt": b"hello"}), "bilag.docx", "Archives"),
    (b"\x1f\x8b\x08\x00" + b"\0" * 40, "data.tar.gz", "Archives"),
    (SVG, "logo.svg", "SVG"),
    (SVG, "logo.txt", "SVG"),
    (_image("PNG"), "logo.svg", "SVG"),
    (_image("GIF"), "anim.gif", "not accepted"),
    (_pdf(), "rapport.txt", "content is not of that type"),
    (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "setup.exe", "not accepted"),
    (b"<html><script>alert(1)</script></html>", "side.html", "not accepted"),
    (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<d/>",
           "word/vbaProject.bin": b"\0"}), "makro.docx", "macros"),
    (b"", "tom.pdf", "empty"),
]


def _user(**kw):
    return make_user(locale="en", **kw)  # messages asserted in English


def _count() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count(ChallengeAttachment.id)))


def _files(app) -> list[str]:
    folder = os.path.join(app.instance_path, "uploads", "challenges")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def _url(challenge, *rest) -> str:
    return "/".join([f"/camps/{challenge.camp.slug}/challenges/{challenge.id}/attachments",
                     *map(str, rest)])


def _upload(client, challenge, data: bytes, name: str):
    return client.post(_url(challenge), data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.fixture(autouse=True)
def _english(request):
    """Messages from services called directly read in English (pages: the user's locale)."""
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")
    from flask_babel import force_locale
    with force_locale("en"):
        yield


@pytest.fixture
def owned(client, login):
    """A published challenge, its owner signed in."""
    owner = _user()
    challenge = make_challenge(make_camp(), owner)
    login(owner)
    return challenge


# The uploads module ----------------------------------------------------------------------

@pytest.mark.parametrize("data,name,kind,mimetype", ACCEPTED,
                         ids=[a[1] for a in ACCEPTED])
def test_sniff_accepts_each_type_by_content(data, name, kind, mimetype):
    found = uploads.sniff(data, name)
    assert (found.name, found.mimetype) == (kind, mimetype)
    # The content decides, whatever the (missing) name says.
    assert uploads.sniff(data, None).name == kind


@pytest.mark.parametrize("data,name,message", REFUSED, ids=[r[1] + "-" + r[2] for r in REFUSED])
def test_sniff_refuses(app, data, name, message):
    with pytest.raises(uploads.UploadRefused, match=message):
        uploads.sniff(data, name)


def test_a_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.open_image(_image(size=(300, 300)), max_pixels=300 * 299)
    assert exc.value.reason == "image_pixels"


def test_read_enforces_the_size_limit_per_call(app):
    from werkzeug.datastructures import FileStorage
    assert uploads.read(FileStorage(io.BytesIO(b"x" * 100), "a.txt"), 100) == b"x" * 100
    with pytest.raises(uploads.UploadRefused, match="too large") as exc:
        uploads.read(FileStorage(io.BytesIO(b"x" * 101), "a.txt"), 100)
    assert exc.value.reason == "too_large"
    with pytest.raises(uploads.UploadRefused, match="empty"):
        uploads.read(FileStorage(io.BytesIO(b""), "a.txt"), 100)


def test_display_names_are_text_only(app):
    kind = uploads.KINDS["pdf"]
    assert uploads.display_name("../../etc/passwd.pdf", kind) == "passwd.pdf"
    assert uploads.display_name("C:\\Users\\x\\Bilag æøå.pdf", kind) == "Bilag æøå.pdf"
    assert uploads.display_name("a\r\nb\x00c.pdf", kind) == "abc.pdf"
    assert uploads.display_name("  ", kind) == "file.pdf"
    long = uploads.display_name("x" * 300 + ".pdf", kind)
    assert len(long) == 200 and long.endswith(".pdf")
    with pytest.raises(ValueError):
        uploads.path_of("challenges", "../camp.sqlite3")


def test_a_written_file_goes_again_when_the_transaction_rolls_back(app):
    name = uploads.store("challenges", b"hello", "txt", session=db.session())
    assert _files(app) == [name]
    db.session.rollback()
    assert _files(app) == []


# Uploading through the challenge page ----------------------------------------------------

@pytest.mark.parametrize("data,name,kind,mimetype", ACCEPTED,
                         ids=[a[1] for a in ACCEPTED])
def test_owner_uploads_and_anyone_downloads(app, client, login, owned, data, name, kind,
                                            mimetype):
    res = _upload(client, owned, data, name)
    assert res.status_code == 303 and res.location.endswith("#attachments")
    [row] = db.session.scalars(select(ChallengeAttachment)).all()
    assert (row.display_name, row.content_type, row.size) == (name, kind, len(data))
    assert row.stored_name != name and _files(app) == [row.stored_name]
    with open(os.path.join(app.instance_path, "uploads", "challenges", row.stored_name),
              "rb") as fh:
        assert fh.read() == data

    page = client.get(f"/camps/{owned.camp.slug}/challenges/{owned.id}")
    assert f"&#34;{name}&#34; is attached." in page.get_data(as_text=True)
    body = client.get(f"/camps/{owned.camp.slug}/challenges/{owned.id}").get_data(as_text=True)
    assert name in body and _url(owned, row.id) in body

    login(None)  # the challenge is published: anyone may download
    res = client.get(_url(owned, row.id))
    assert res.status_code == 200 and res.data == data
    assert res.headers["Content-Type"] == (
        "text/plain; charset=utf-8" if kind == "text" else mimetype)
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in res.headers["Content-Security-Policy"]
    res.close()


def test_download_names_are_safe_and_keep_danish_letters(client, login, owned):
    _upload(client, owned, _pdf(), "Ældre borgere, rapport (2024).pdf")
    row = db.session.scalars(select(ChallengeAttachment)).one()
    res = client.get(_url(owned, row.id))
    disposition = res.headers["Content-Disposition"]
    res.close()
    assert disposition.startswith('attachment; filename="ldre_borgere_rapport_2024.pdf"')
    assert "filename*=UTF-8''%C3%86ldre%20borgere%2C%20rapport%20%282024%29.pdf" in disposition


@pytest.mark.parametrize("data,name,message", REFUSED, ids=[r[1] + "-" + r[2] for r in REFUSED])
def test_a_refused_file_changes_nothing(app, client, owned, data, name, message):
    res = _upload(client, owned, data, name)
    assert res.status_code == 200
    body = res.get_data(as_text=True)
    assert message in body and 'id="file-error"' in body
    assert _count() == 0 and _files(app) == []


def test_no_file_chosen_is_a_field_error(app, client, owned):
    res = client.post(_url(owned), data={}, content_type="multipart/form-data")
    assert res.status_code == 200 and "Choose a file." in res.get_data(as_text=True)
    assert _count() == 0


def test_over_ten_megabytes_is_refused(app, client, owned, monkeypatch):
    # The limit lowered here (the test client spools big bodies to temporary files);
    # the 10 MB value itself is checked through the service below.
    monkeypatch.setattr(attachments, "MAX_BYTES", 1000)
    res = _upload(client, owned, b"a" * 1001, "long.txt")
    assert res.status_code == 200 and "too large" in res.get_data(as_text=True)
    assert _count() == 0 and _files(app) == []


def test_the_service_refuses_eleven_megabytes(app, owned):
    assert attachments.MAX_BYTES == 10 * 1024 * 1024
    with pytest.raises(uploads.UploadRefused, match="at most 10 MB"):
        attachments.add(owned.owners[0].user, owned, b"%PDF-" + b"0" * (11 * 1024 * 1024),
                        "big.pdf")
    assert _files(app) == []


def test_a_request_over_max_content_length_gets_the_413_page(app, client, owned):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    res = _upload(client, owned, b"a" * 3000, "x.txt")
    assert res.status_code == 413 and "too large" in res.get_data(as_text=True)
    assert _count() == 0


def test_the_eleventh_file_is_refused(app, client, owned):
    for i in range(10):
        assert _upload(client, owned, f"note {i}".encode(), f"n{i}.txt").status_code == 303
    page = client.get(f"/camps/{owned.camp.slug}/challenges/{owned.id}").get_data(as_text=True)
    assert "the most attachments it can have (10)" in page and 'name="file"' not in page
    before = _files(app)
    res = _upload(client, owned, b"one more", "n10.txt")
    assert res.status_code == 200
    assert "at most 10 attachments" in res.get_data(as_text=True)
    assert _count() == 10 and _files(app) == before


def test_the_limit_is_checked_in_the_service_too(app, owned):
    owner = owned.owners[0].user
    for i in range(10):
        attachments.add(owner, owned, b"x", f"{i}.txt")
    db.session.commit()
    with pytest.raises(Conflict):
        attachments.add(owner, owned, b"x", "11.txt")
    db.session.rollback()
    assert _count() == 10 and len(_files(app)) == 10


# Who may see and change them -------------------------------------------------------------

def test_a_drafts_attachments_are_hidden_from_others(app, client, login):
    owner = _user()
    draft = make_challenge(make_camp(), owner, status=ChallengeStatus.draft)
    login(owner)
    assert _upload(client, draft, _pdf(), "udkast.pdf").status_code == 303
    row = db.session.scalars(select(ChallengeAttachment)).one()
    res = client.get(_url(draft, row.id))
    assert res.status_code == 200
    res.close()
    for user in (None, _user()):
        login(user)
        assert client.get(_url(draft, row.id)).status_code == 404


def test_another_challenges_or_camps_id_is_404(app, client, login, owned):
    _upload(client, owned, _pdf(), "a.pdf")
    row = db.session.scalars(select(ChallengeAttachment)).one()
    same_camp = make_challenge(owned.camp, owned.owners[0].user)
    other_camp = make_challenge(make_camp(), owned.owners[0].user)
    for challenge in (same_camp, other_camp):
        assert client.get(_url(challenge, row.id)).status_code == 404
        assert client.post(_url(challenge, row.id, "delete")).status_code == 404
    # Right challenge id, wrong camp slug.
    url = f"/camps/{other_camp.camp.slug}/challenges/{owned.id}/attachments/{row.id}"
    assert client.get(url).status_code == 404
    assert _count() == 1


def test_others_cannot_upload_or_delete(app, client, login, owned):
    _upload(client, owned, _pdf(), "a.pdf")
    row = db.session.scalars(select(ChallengeAttachment)).one()
    login(_user())
    assert _upload(client, owned, _pdf(), "b.pdf").status_code == 403
    assert client.post(_url(owned, row.id, "delete")).status_code == 403
    page = client.get(f"/camps/{owned.camp.slug}/challenges/{owned.id}").get_data(as_text=True)
    assert "a.pdf" in page and 'name="file"' not in page and "/delete" not in page
    assert _count() == 1 and len(_files(app)) == 1


def test_an_organiser_may_add_and_delete(app, client, login):
    organiser = _user()
    camp = make_camp(organiser=organiser)
    challenge = make_challenge(camp, _user())
    login(organiser)
    assert _upload(client, challenge, _pdf(), "a.pdf").status_code == 303
    row = db.session.scalars(select(ChallengeAttachment)).one()
    assert client.post(_url(challenge, row.id, "delete")).status_code == 303
    assert _count() == 0 and _files(app) == []


# Deleting -------------------------------------------------------------------------------

def test_delete_removes_the_row_and_the_file(app, client, owned):
    _upload(client, owned, _pdf(), "a.pdf")
    _upload(client, owned, b"keep me", "b.txt")
    a, b = [(row.id, row.stored_name) for row in db.session.scalars(
        select(ChallengeAttachment).order_by(ChallengeAttachment.id))]
    page = client.get(f"/camps/{owned.camp.slug}/challenges/{owned.id}").get_data(as_text=True)
    assert 'data-confirm="Delete the attachment “a.pdf”? This cannot be undone."' in page
    res = client.post(_url(owned, a[0], "delete"))
    assert res.status_code == 303
    assert _count() == 1 and _files(app) == [b[1]]
    page = client.get(f"/camps/{owned.camp.slug}/challenges/{owned.id}").get_data(as_text=True)
    assert "&#34;a.pdf&#34; is deleted." in page
    assert client.get(_url(owned, a[0])).status_code == 404


def test_a_rolled_back_delete_keeps_the_file(app, owned):
    owner = owned.owners[0].user
    row = attachments.add(owner, owned, b"x", "a.txt")
    db.session.commit()
    attachments.remove(owner, owned, row)
    db.session.rollback()
    assert _count() == 1 and _files(app) == [row.stored_name]


def test_deleting_a_draft_challenge_deletes_its_files(app, client, login):
    owner = _user()
    draft = make_challenge(make_camp(), owner, status=ChallengeStatus.draft)
    login(owner)
    _upload(client, draft, _pdf(), "a.pdf")
    assert len(_files(app)) == 1
    res = client.post(f"/camps/{draft.camp.slug}/challenges/{draft.id}/delete")
    assert res.status_code == 303
    assert _count() == 0 and _files(app) == []


def test_a_missing_file_is_404_not_500(app, client, owned):
    _upload(client, owned, _pdf(), "a.pdf")
    row = db.session.scalars(select(ChallengeAttachment)).one()
    os.remove(os.path.join(app.instance_path, "uploads", "challenges", row.stored_name))
    assert client.get(_url(owned, row.id)).status_code == 404
