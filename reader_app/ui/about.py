"""What the Help menu shows: About the app, About This Text, and the Keyboard Shortcuts.

Each page is HTML built here from our own escaped values, so that nothing a text's metadata
holds is ever read as markup; the links are only http(s).
"""

from __future__ import annotations

from html import escape

from reader_app import APP_NAME, LICENSE, __version__
from reader_app.domain.text import Document


def _link(label: str, url: str) -> str:
    return f'<p><b>{label}:</b> <a href="{escape(url, quote=True)}">{escape(url)}</a></p>'


def _is_web(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def about_text_html(document: Document) -> str:
    """About This Text: where the text and this version of it come from."""
    provenance = document.provenance
    rows = [
        ("Title", document.title),
        ("Author", document.author),
        ("Year", str(document.year)),
        ("Written for", provenance.get("written_for", "")),
        ("This extract", provenance.get("chapter", "")),
        ("Translation", provenance.get("translation", "")),
        ("Source of this version", provenance.get("extract_source", "")),
        ("The editor’s introduction", provenance.get("editor_intro", "")),
        ("A note on the introduction", provenance.get("historians_note", "")),
        ("The ellipses", provenance.get("ellipses", "")),
        ("Citing this text", provenance.get("citing", "")),
    ]
    parts = [f"<h3>{escape(document.display_title)}</h3>"]
    parts += [f"<p><b>{escape(label)}.</b> {escape(value)}</p>" for label, value in rows if value]
    for label, key in (("Full text", "full_text_url"), ("This extract online", "extract_url")):
        url = provenance.get(key, "")
        if _is_web(url):
            parts.append(_link(label, url))
    return "".join(parts)


def about_html(document: Document) -> str:
    """About Study Reader: the version, the licences, and the text it comes with."""
    provenance = document.provenance
    parts = [
        f"<h3>{escape(APP_NAME)} {escape(__version__)}</h3>",
        "<p>An offline study reader: the text, a sourced glossary, and your notes, kept on "
        "this computer.</p>",
        f"<p>License: {escape(LICENSE)}. Reading face: Noto Serif (SIL Open Font License 1.1).</p>",
        f"<p><b>The text.</b> {escape(document.author)}, <i>{escape(document.title)}</i> "
        f"({document.year}), an extract in English translation.</p>",
    ]
    for key in ("editor_intro", "extract_source", "ellipses"):
        if key in provenance:
            parts.append(f"<p>{escape(provenance[key])}</p>")
    url = provenance.get("full_text_url", "")
    if _is_web(url):
        parts.append(f'<p>Full text: <a href="{escape(url, quote=True)}">{escape(url)}</a></p>')
    return "".join(parts)


def shortcuts_html(rows: list[tuple[str, str, str]]) -> str:
    """Keyboard Shortcuts: (menu, action, keys) rows as a table."""
    body = "".join(
        f"<tr><td>{escape(menu)}</td><td>{escape(action)}</td><td><b>{escape(keys)}</b></td></tr>"
        for menu, action, keys in rows
    )
    return (
        "<table cellspacing='6'><tr><th align='left'>Menu</th><th align='left'>Action</th>"
        f"<th align='left'>Keys</th></tr>{body}</table>"
    )
