"""User-written Markdown rendered to safe HTML."""
import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4",
                "blockquote", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td"}


def render_markdown(text: str | None) -> Markup:
    html = _md.render(text or "")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener nofollow")
    return Markup(clean)  # nosec B704 - sanitised by nh3 just above
