"""The public gallery (issue 6, part B): the world's camp is public, so everybody sees it."""
ROWS = [
    ("gallery.index", "GET", {}, 200),
]
