"""Charter versions, comparison, final, signatures and exports (issue 8, part E).

The world's charter (charter_slug) belongs to the public camp, is in consultation with one
version (version_number=1) and an open proposal; its editor is the camp's organiser. Its
versions, comparison (one version: a message), exports and signatories are public. The
sign page answers 200 for everyone (no account needed), and says the charter is not final
(nothing is stored). Declaring version 1 final is refused while the proposal is open: the
editors get the message (303), the others are sent to log in or refused. A made-up
confirmation token is refused with a message (400). The world's signature_id belongs to
the other charter, so on this one it is 404 for everyone.
"""
EDITORS_POST = {"anonymous": 302, "organiser": 303, "admin": 303}

ROWS = [
    ("charter_versions.index", "GET", {}, 200),
    ("charter_versions.show", "GET", {}, 200),
    ("charter_versions.compare", "GET", {}, 200),
    ("charter_versions.declare_final", "POST", EDITORS_POST, 403),
    ("charter_versions.export_pdf", "GET", {}, 200),
    ("charter_versions.export_md", "GET", {}, 200),
    ("charter_versions.export_html", "GET", {}, 200),
    ("charter_versions.sign", "GET", {}, 200),
    ("charter_versions.sign", "POST", {}, 200),
    ("charter_versions.confirm", "GET", {}, 400),
    ("charter_versions.confirm", "POST", {}, 400),
    ("charter_versions.signatories", "GET", {}, 200),
    ("charter_versions.signatories_csv", "GET", {}, 200),
    ("charter_versions.withdraw", "POST", {}, 404),
]
