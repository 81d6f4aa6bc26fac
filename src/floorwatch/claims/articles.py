"""News articles for :mod:`floorwatch.claims.extract`: plain text or HTML, with the date,
outlet and link from the HTML's metadata (Open Graph ``og:site_name``/``og:url``,
``article:published_time``, ``<time datetime>``, the canonical link)."""

from __future__ import annotations

import datetime as dt
import html.parser
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from floorwatch.dates import parse_date
from floorwatch.errors import InputError

__all__ = ["Article", "article_from_text", "read_article", "read_articles"]


@dataclass
class Article:
    """One article: its text, and where and when it appeared (``made_on`` may be None)."""

    text: str
    path: str = ""
    title: str | None = None
    made_on: dt.date | None = None
    outlet: str | None = None
    link: str | None = None


class _HTML(html.parser.HTMLParser):
    _SKIP = {"script", "style", "noscript", "head", "nav", "footer", "aside", "form"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"].strip())
        elif tag == "link" and a.get("rel", "").lower() == "canonical" and a.get("href"):
            self.meta.setdefault("canonical", a["href"].strip())
        elif tag == "time" and a.get("datetime"):
            self.meta.setdefault("time", a["datetime"].strip())
        if tag == "title":
            self._in_title = True
        if tag in self._SKIP:
            self._skip += 1
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        if tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def _date_of(text: str | None) -> dt.date | None:
    """The date of a metadata value (a date or a date-time); None when it is not one."""
    try:
        return parse_date(text, stamp=True)
    except InputError:
        return None


def read_article(path: str | Path) -> Article:
    """An article from a text or HTML file (UTF-8). From HTML, the date, outlet and link come
    from its metadata (``article:published_time``, ``og:site_name``, ``og:url`` or the
    canonical link, ``<time datetime>``) where it has them."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=p) from None
    except OSError as exc:
        raise InputError(f"cannot read the article: {exc.strerror}", file=p) from None
    is_html = True if p.suffix.lower() in (".html", ".htm") else None
    return article_from_text(raw, path=str(p), html=is_html)


def article_from_text(text: str, *, path: str = "", html: bool | None = None) -> Article:
    """An article from its text: HTML when ``html`` (default: when it starts with ``<``)."""
    if html is None:
        html = text.lstrip().startswith("<")
    if not html:
        return Article(text=text.replace("\r\n", "\n"), path=path)
    parser = _HTML()
    parser.feed(text)
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*(?:\n[ \t\r\f\v]*)+", "\n\n", "".join(parser.parts))
    text = re.sub(r"[ \t]+", " ", text).strip()
    m = parser.meta
    return Article(
        text=text,
        path=path,
        title=(m.get("og:title") or parser.title.strip() or None),
        made_on=_date_of(
            m.get("article:published_time")
            or m.get("date")
            or m.get("datepublished")
            or m.get("time")
        ),
        outlet=m.get("og:site_name") or m.get("publisher") or None,
        link=m.get("og:url") or m.get("canonical") or None,
    )


def read_articles(paths: Iterable[str | Path]) -> list[Article]:
    """Articles from files and folders (a folder's ``.txt``, ``.html``, ``.htm`` and ``.md``
    files, in name order)."""
    out = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            files = sorted(
                f for f in p.iterdir() if f.suffix.lower() in (".txt", ".html", ".htm", ".md")
            )
            out.extend(read_article(f) for f in files)
        else:
            out.append(read_article(p))
    return out
