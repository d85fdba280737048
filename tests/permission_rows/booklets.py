"""Prototype PDFs and the camp's booklet: the world's prototype is submitted and the camp
is public, so its page is everyone's; the booklet is the camp's organisers'."""
ORGANISERS = {"anonymous": 302, "organiser": 200, "admin": 200}
ROWS = [
    # A submitted prototype of a public camp: its PDF is as public as its page.
    ("booklets.prototype_pdf", "GET", {}, 200),
    ("booklets.page", "GET", ORGANISERS, 403),
    # Under TESTING the booklet is made inline; the organiser's is done before the
    # admin's starts, so both are started and redirected.
    ("booklets.start_run", "POST", {"anonymous": 302, "organiser": 303, "admin": 303}, 403),
    # Without ?run= there is nothing to download; the camp's gate comes first.
    ("booklets.download", "GET", {"anonymous": 302, "organiser": 404, "admin": 404}, 403),
]
