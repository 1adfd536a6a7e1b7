"""A rulebook's text as HTML: Markdown through markdown-it-py with raw HTML off (``js-default``:
what an organiser types as <script> is shown as text), links only of safe schemes (markdown-it's
validateLink refuses javascript:, vbscript:, file: and data:), and every link opened as a plain
link with rel="noopener nofollow"."""

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
_md.disable("image")  # no remote images on a page that has none of its own (CSP img-src 'self')


def _link_open(self, tokens, idx, options, env):
    tokens[idx].attrSet("rel", "noopener nofollow")
    return self.renderToken(tokens, idx, options, env)


_md.add_render_rule("link_open", _link_open)


def render_markdown(text: str) -> SafeString:
    return mark_safe(_md.render(text or ""))  # noqa: S308 - markdown-it escapes all text; raw HTML is off
