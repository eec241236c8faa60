"""Session 33 (analyst's review): report.html and the lesson window read backticks alike; an unmatched one stays as
written (as in Markdown) instead of vanishing from the page."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from engine import report as R


def test_an_unmatched_backtick_is_shown_as_written() -> None:
    assert R.html_text("odd ` one") == "odd ` one"
    assert R.html_text("a `b` c `d and e") == "a <code>b</code> c `d and e"  # (the span before it is kept)
    assert R.html_text("a `x<y` b") == "a <code>x&lt;y</code> b"
    assert R.html_text("a `` b") == "a  b"


@given(st.text(alphabet="ab `<&", max_size=24))
def test_html_text_shows_what_the_lesson_window_shows(text: str) -> None:
    from ui.panels import code_spans

    want = "".join(f"<code>{html.escape(p)}</code>" if code else html.escape(p) for p, code in code_spans(text))
    assert R.html_text(text) == want
