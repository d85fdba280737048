"""Exports of any version: Markdown, standalone HTML (sanitised) and PDF (text checked)."""
import shutil
import subprocess

import pytest

from camp.charters import signatures as services
from camp.extensions import db
from tests.test_charter_versions import charter_world

SLUG = "samskabelsescharter"


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def signed_world():
    w = charter_world()
    services.declare_final(w.organiser, w.charter, w.v2)
    signature, token = services.sign(None, w.charter, {
        "organisation": "Roskilde Kommune", "signer_name": "Anna Borgmester",
        "signer_title": "Borgmester", "email": "anna@roskilde.dk"})
    services.confirm(w.charter, token)
    pending, _token = services.sign(None, w.charter, {
        "organisation": "Ubekræftet Forening", "signer_name": "Ulla", "signer_title": "",
        "email": "ulla@example.dk"})
    db.session.commit()
    return w


def test_markdown_export(client):
    signed_world()
    r = client.get(f"/charters/{SLUG}/versions/2.md")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert r.headers["Content-Disposition"] == f'attachment; filename="{SLUG}-v2.md"'
    text = r.get_data(as_text=True)
    assert text.startswith("# Samskabelsescharter\n")
    assert "Vi arbejder *åbent* sammen." in text
    assert "## 1. Principper" in text and "## 2. Roller og ansvar" in text
    assert "**1.1** Vi mødes som ligeværdige parter og deler viden." in text
    assert "**2.2** Borgerne er med fra start." in text
    assert "Vi holder møderne korte." not in text
    assert "Final version" in text
    # History: both versions with their changelog.
    assert "### Version 1" in text and "### Version 2" in text
    assert "Clause removed 1.2: Overflødig (proposed by Karl Kritiker; decided by Ole " \
           "Organisator)" in text
    assert "proposal #41" in text
    assert "- **Roskilde Kommune**: Anna Borgmester, Borgmester" in text
    assert "Ubekræftet Forening" not in text  # not confirmed


def test_an_old_version_exports_its_own_text_without_later_signatures(client):
    signed_world()
    text = client.get(f"/charters/{SLUG}/versions/1.md").get_data(as_text=True)
    assert "**1.2** Vi holder møderne korte." in text
    assert "### Version 2" not in text and "Roskilde Kommune" not in text
    assert client.get(f"/charters/{SLUG}/versions/5.md").status_code == 404


def test_html_export_is_standalone_and_sanitised(client):
    w = signed_world()
    w.c21.text = 'Ramme <script>alert("x")</script> [link](javascript:alert(1)) **fed**'
    w.charter.title = "<script>alert(2)</script> Charter"
    db.session.flush()
    from camp.charters import versions
    versions.create_version(w.organiser, w.charter, [])
    db.session.commit()
    r = client.get(f"/charters/{SLUG}/versions/3.html")
    assert r.status_code == 200
    assert r.headers["Content-Disposition"] == f'attachment; filename="{SLUG}-v3.html"'
    html = r.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert "<script" not in html.lower()
    assert 'href="javascript' not in html
    assert "<strong>fed</strong>" in html
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert "<link" not in html and "src=" not in html  # nothing fetched


def test_html_export_has_the_text_changelog_and_signatories(client):
    signed_world()
    html = client.get(f"/charters/{SLUG}/versions/2.html").get_data(as_text=True)
    assert "Vi mødes som ligeværdige parter og deler viden." in html
    assert "Overflødig" in html and "Anna Borgmester" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_export_text(client, tmp_path):
    signed_world()
    r = client.get(f"/charters/{SLUG}/versions/2.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"] == f'attachment; filename="{SLUG}-v2.pdf"'
    assert r.data.startswith(b"%PDF")
    path = tmp_path / "charter.pdf"
    path.write_bytes(r.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    assert "Samskabelsescharter" in flat
    assert "Vi mødes som ligeværdige parter og deler viden." in flat
    assert "Borgerne er med fra start." in flat
    assert "History" in flat and "Overflødig" in flat and "Karl Kritiker" in flat
    assert "Roskilde Kommune" in flat and "Anna Borgmester" in flat
    pages = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                           text=True).stdout
    assert "A4" in pages
