ROWS = [
    # The ticket secret is the credential: whoever holds it sees the ticket.
    ("tickets.show", "GET", {}, 200),
    ("tickets.pdf", "GET", {}, 200),
    ("tickets.rotate", "POST", {"anonymous": 302, "organiser": 303, "admin": 303}, 403),
]
