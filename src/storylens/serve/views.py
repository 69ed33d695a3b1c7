"""What the pages show, computed from stored results: pure functions, so tests need no server.

Everything here returns plain data (strings, numbers, lists of segments); the templates escape
every string they print. Nothing in this module builds HTML, so article text can never reach a
page unescaped through it.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz

from storylens.compare.export import grouped_differences
from storylens.model import Analysis

# How many items of each story-page section show before the rest folds into "N more" (a story of
# three long articles was 7,000 px tall unfolded, 19,000 px at phone width).
FOLD = {"digest": 8, "matrix": 12, "cards": 4, "speakers": 6, "quotes": 3, "timeline": 8}
SAME_QUOTE = 80  # rapidfuzz ratio at which two quotations are variants of one
MAX_SHARED_ROWS = 25
MAX_SINGLE_ROWS = 15
_TOKEN = re.compile(r"\S+|\s+")


@dataclass
class Segment:
    """A run of text with the marks to show on it (CSS classes) and an optional tooltip."""

    text: str
    marks: tuple[str, ...] = ()
    title: str | None = None


@dataclass
class MatrixRow:
    text: str
    kind: str
    cells: list[bool]
    sentence: str
    headline: bool = False  # the row's sentence is an outlet's headline, not a sentence of its body
    differs: list[str] = field(default_factory=list)  # what its outlets tell differently ("12 / fourteen")
    headlines: list[str | None] = field(default_factory=list)  # per column: the headline, where only it matched


@dataclass
class Wording:
    """One quotation in the words some outlets give it, `segments` marking where it differs from
    its group's first wording."""

    text: str
    outlets: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)


@dataclass
class QuoteVariant:
    """One quotation as several outlets report it: `text`, `outlets` and `articles` are its first
    wording and the outlets that give it in those words; `wordings` are the other outlets' words.
    One text cited to every outlet would put words in the mouths of outlets that wrote others."""

    text: str
    outlets: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    wordings: list[Wording] = field(default_factory=list)

    def add(self, text: str, outlet: str, article: str) -> None:
        """An outlet's version of this quotation, under the wording it uses."""
        if _fold(text) == _fold(self.text):
            if outlet not in self.outlets:
                self.outlets.append(outlet)
                self.articles.append(article)
            return
        same = next((w for w in self.wordings if _fold(w.text) == _fold(text)), None)
        if same is None:
            self.wordings.append(Wording(text, [outlet], [article], word_diff(self.text, text)[1]))
        elif outlet not in same.outlets:
            same.outlets.append(outlet)
            same.articles.append(article)


def outlet_names(report: dict[str, Any]) -> dict[str, str]:
    """Article id -> the name to show for its outlet (the input name when the outlet is unknown)."""
    return {a["id"]: a.get("outlet") or a.get("title") or a["id"] for a in report.get("articles", [])}


def coverage_matrix(report: dict[str, Any]) -> tuple[list[str], list[MatrixRow]]:
    """Facts x outlets: who reports what. Shared facts first, then the single-source ones."""
    names = outlet_names(report)
    columns = list(dict.fromkeys(names.values()))
    sentences = {s["id"]: s for s in report.get("sentences", [])}
    rows: list[MatrixRow] = []
    counts: Counter[str] = Counter()
    for fact in without_contained(report.get("facts", [])):
        kind = fact["kind"]
        if counts[kind] >= (MAX_SHARED_ROWS if kind == "shared" else MAX_SINGLE_ROWS):
            continue
        refs = [sentences[i] for i in fact["sentences"] if i in sentences]
        if not refs:
            continue
        counts[kind] += 1
        reporting = {names.get(r["article"]) for r in refs}
        in_body = {names.get(r["article"]) for r in refs if not r.get("headline")}
        headline_of = {names.get(r["article"]): r["text"] for r in refs if r.get("headline")}
        rows.append(MatrixRow(text=refs[0]["text"], kind=kind, cells=[c in reporting for c in columns],
                              sentence=refs[0]["id"], headline=bool(refs[0].get("headline")),
                              differs=differences_within(fact, report, sentences),
                              headlines=[None if c in in_body else headline_of.get(c) for c in columns]))
    return columns, rows


def without_contained(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The facts, less any whose sentences another fact holds too: a headline's fact takes the
    body sentences it matches, which may also be a fact of their own, and the same sentence would
    show as two rows, one of them ticking fewer outlets. The report keeps both (its contract)."""
    held = [frozenset(f["sentences"]) for f in facts]
    return [f for f, own in zip(facts, held, strict=True) if not any(own < other for other in held)]


def differences_within(fact: dict[str, Any], report: dict[str, Any], sentences: dict[str, dict[str, Any]]
                       ) -> list[str]:
    """What the outlets of a fact tell differently: each discrepancy one of whose sentences is in
    the fact, between outlets the fact ticks. A row shows one outlet's sentence and ticks every
    outlet of the fact, so without this an outlet would be shown reporting a figure it
    contradicts ("Fourteen people were injured" ticked for an outlet whose headline says 12).
    Wordings of a quotation are left to "Who said what", which shows each outlet's."""
    def articles(ids: Iterable[str]) -> set[str]:
        return {sentences[i]["article"] for i in ids if i in sentences}

    members = set(fact["sentences"])
    found = []
    for d in report.get("discrepancies", []):
        evidence = [e["sentence"] for e in d.get("evidence", [])]
        if d["kind"] != "quote_wording" and members & set(evidence) and len(articles(evidence)) >= 2 \
                and articles(evidence) <= articles(members):
            found.append(" / ".join(v["text"] for v in d["values"]))
    return found


def word_diff(left: str, right: str) -> tuple[list[Segment], list[Segment]]:
    """Both texts cut into runs, the words that differ marked: the heart of a discrepancy card."""
    a, b = words_diff([left, right])
    return a, b


def words_diff(texts: list[str]) -> list[list[Segment]]:
    """Each text cut into runs, a word marked where the text differs from any other there: a
    quotation worded three ways marks, in each wording, what is not in all three."""
    tokens = [_TOKEN.findall(t) for t in texts]
    folded = [[t.casefold().strip(".,;:!?\"'“”‘’") for t in words] for words in tokens]
    out = []
    for i, words in enumerate(tokens):
        marked: set[int] = set()
        for j in range(len(texts)):
            if j != i:
                matcher = difflib.SequenceMatcher(a=folded[i], b=folded[j], autojunk=False)
                marked.update(k for op, i1, i2, _, _ in matcher.get_opcodes() if op != "equal"
                              for k in range(i1, i2))
        segments: list[Segment] = []
        for k, word in enumerate(words):
            _append(segments, word, ("diff",) if k in marked else ())
        out.append(segments)
    return out


def _append(segments: list[Segment], text: str, marks: tuple[str, ...]) -> None:
    if not text:
        return
    if segments and segments[-1].marks == marks:
        segments[-1] = Segment(segments[-1].text + text, marks)
    else:
        segments.append(Segment(text, marks))


def discrepancy_cards(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One card per detail given differently (`grouped_differences`), a side per outlet."""
    names = outlet_names(report)
    cards = []
    for group in grouped_differences(report.get("discrepancies", [])):
        if len(group.values) < 2:
            continue
        segments = words_diff([text for _, text in group.values])
        cards.append({
            "kind": group.kind.replace("_", " "),
            "note": group.note or "",
            "sides": [{"outlet": names.get(article, "?"), "article": article, "segments": marked}
                      for (article, _), marked in zip(group.values, segments, strict=True)],
        })
    return cards


def quotes_by_speaker(report: dict[str, Any]) -> list[tuple[str, list[QuoteVariant]]]:
    """Speakers with their quotations; one quotation reported by several outlets is one variant
    group, each outlet cited under the words it gives."""
    names = outlet_names(report)
    speakers: dict[str, list[QuoteVariant]] = {}
    for q in report.get("quotes", []):
        speaker = q.get("speaker") or "Unattributed"
        variants = speakers.setdefault(speaker, [])
        outlet = names.get(q["article"], "?")
        match = next((v for v in variants if fuzz.ratio(_fold(v.text), _fold(q["text"])) >= SAME_QUOTE), None)
        if match is None:
            variants.append(QuoteVariant(q["text"], [outlet], [q["article"]]))
        else:
            match.add(q["text"], outlet, q["article"])
    ordered = sorted(speakers.items(), key=lambda kv: (kv[0] == "Unattributed", -len(kv[1]), kv[0]))
    return ordered


def copies_left_out(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The reprints the comparison left out (not the edited copies it compares), each with its
    outlet and title where the report names them, and the outlet of the original compared."""
    names = outlet_names(report)
    listed = report.get("copies") or [{"id": c, "copy_of": o} for c, o in report.get("duplicates", {}).items()]
    return [{**c, "original_outlet": names.get(c["copy_of"], "")} for c in listed]


def variant_json(variant: QuoteVariant) -> dict[str, Any]:
    """A quotation group as the JSON API gives it (the marks of its wordings are the page's)."""
    return {"text": variant.text, "outlets": variant.outlets, "articles": variant.articles,
            "wordings": [{"text": w.text, "outlets": w.outlets, "articles": w.articles} for w in variant.wordings]}


def _fold(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def sparkline(days: list[date], width: int = 100, height: int = 20) -> str:
    """SVG polyline points for articles per day over the story's span (flat line for one day)."""
    if not days:
        return ""
    first, last = min(days), max(days)
    span = (last - first).days
    counts = Counter((d - first).days for d in days)
    peak = max(counts.values())
    points = []
    for offset in range(span + 1):
        x = width / 2 if span == 0 else offset * width / span
        y = height - 2 - (height - 4) * counts.get(offset, 0) / peak
        points.append(f"{x:.1f},{y:.1f}")
    if span == 0:
        points = [f"0,{points[0].split(',')[1]}", f"{width},{points[0].split(',')[1]}"]
    return " ".join(points)


def marked_paragraphs(analysis: Analysis) -> list[list[Segment]]:
    """The clean text as paragraphs of runs, quotations and named entities marked."""
    text = analysis.article.text
    spans: list[tuple[int, int, str, str]] = [
        (q.start, q.end, "quote", f"Quote: {q.speaker or 'speaker unknown'}") for q in analysis.quotes
    ] + [(m.start, m.end, f"ent-{m.label.lower()}", f"{m.label}: {m.canonical}") for m in analysis.entities] + [
        (m.start, m.end, "variant", f"spelled differently from {m.canonical}") for m in analysis.entities if m.variant]
    cuts = sorted({0, len(text), *[s for s, *_ in spans], *[e for _, e, *_ in spans]}
                  | {m.end() for m in re.finditer(r"\n+", text)} | {m.start() for m in re.finditer(r"\n+", text)})
    paragraphs: list[list[Segment]] = [[]]
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        piece = text[lo:hi]
        if not piece:
            continue
        if piece.strip("\n") == "":
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        covering = [(kind, title) for s, e, kind, title in spans if s <= lo and hi <= e]
        marks = tuple(dict.fromkeys(kind for kind, _ in covering))
        title = "; ".join(t for _, t in covering if t) or None
        paragraphs[-1].append(Segment(piece, marks, title))
    return [p for p in paragraphs if p]


def day_of(value: str | datetime | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None
