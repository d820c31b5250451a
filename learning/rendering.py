"""Rendering question text safely (HTML sanitised with nh3, other formats escaped) and test forms as PDF."""

from __future__ import annotations

import nh3
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .services.questions import TestForm

ALLOWED_TAGS = {
    "p",
    "br",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "sub",
    "sup",
    "span",
    "ul",
    "ol",
    "li",
    "table",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "img",
    "a",
    "code",
    "pre",
    "blockquote",
    "h3",
    "h4",
}


def safe_text(text: str, text_format: str) -> SafeString:
    """Question or answer text ready for a page: HTML cleaned of scripts and handlers, the rest escaped."""
    if text_format == "html":
        return mark_safe(
            nh3.clean(text, tags=ALLOWED_TAGS, url_schemes={"http", "https", "data"}, link_rel="noopener noreferrer")
        )
    return mark_safe(escape(text).replace("\n", "<br>"))


def render_test_form_html(form: TestForm) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    questions = [
        {
            "number": fq.number,
            "kind": fq.question.qtype,
            "text": safe_text(fq.question.text, fq.question.text_format),
            "answers": [
                {"letter": letters[i], "text": safe_text(a.text, fq.question.text_format), "match": a.match}
                for i, a in enumerate(fq.answers)
            ],
            "key": fq.key,
            "level": fq.question.get_level_display(),
        }
        for fq in form.questions
    ]
    matches = {
        fq.number: sorted({a.match for a in fq.answers if a.match})
        for fq in form.questions
        if fq.question.qtype == "matching"
    }
    return render_to_string(
        "learning/test_form_pdf.html",
        {"form": form, "blueprint": form.blueprint, "questions": questions, "matches": matches},
    )


def render_test_form_pdf(form: TestForm) -> bytes:
    """The test form then its answer key on a new page (A4, fonts with full Vietnamese)."""
    from weasyprint import HTML  # imported here: only the views and commands that print need it

    return HTML(string=render_test_form_html(form)).write_pdf()
