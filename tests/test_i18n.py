"""The Danish catalogue is complete and current; pages speak the reader's language."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extract(tmp_path) -> set[str]:
    out = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2",
                    # Babel skips folders starting with "_" unless told: templates/_macros.
                    "--ignore-dirs", ".*", "--no-location", "-o", str(out), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with out.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def _danish():
    with (ROOT / "camp/translations/da/LC_MESSAGES/messages.po").open("rb") as fh:
        return read_po(fh)


@pytest.mark.once
def test_every_string_in_the_code_has_a_danish_translation(tmp_path):
    catalog = _danish()
    missing = []
    for msgid in sorted(_extract(tmp_path)):
        message = catalog.get(msgid)
        text = message.string if message else None
        if isinstance(text, tuple):
            text = text[0]
        if not text or (message and message.fuzzy):
            missing.append(msgid)
    assert not missing, "Run ./scripts/i18n update and translate:\n" + "\n".join(missing)


@pytest.mark.once
def test_danish_translations_keep_placeholders():
    wrong = []
    for message in _danish():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            found = set(PLACEHOLDER.findall(text))
            # A singular form may say "one" in words ("every week") instead of %(num)s.
            if found != expected and not (len(ids) > 1 and found | {"num"} == expected):
                wrong.append(ids[0])
    assert not wrong, wrong


def test_pages_in_danish_and_english(client):
    html = client.get("/", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Spring til indhold" in html and "Log ind" in html
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Skip to content" in html and "Log in" in html
