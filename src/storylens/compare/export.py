"""A comparison report for people: the terminal, Markdown, one self-contained HTML page, CSV of facts x outlets.

Every renderer reads the report dict of `to_report` (what `api.compare_story` stores and the HTTP
API serves), through one `ReportView`, so that a stored story and files compared on the fly come
out the same, and the terminal (`storylens show`) lists the same sections in the same order.
Exports are complete: nothing is cut. Article text is hostile, so each format escapes it by its
own rules: Markdown by backslash escapes, HTML by Jinja2's autoescaping (and a page policy that
loads nothing), CSV cells by neutralising spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import jinja2
from rich.rule import Rule
from rich.text import Text


@dataclass(frozen=True)
class ArticleLine:
    id: str
    outlet: str
    title: str | None
    published: str | None


@dataclass(frozen=True)
class FactLine:
    """A fact as a reader sees it: one sentence for it, and what each outlet says of it.
    `headline` says that sentence is an outlet's headline; a headline in `by_outlet` is marked
    with `HEADLINE_MARK`."""

    kind: str
    text: str
    outlets: list[str]
    by_outlet: dict[str, str] = field(default_factory=dict)
    headline: bool = False
    words: str | None = None  # a digest line: the outlet whose sentence it is


def citation(kind: str, outlets: list[str], words: str | None = None) -> str:
    """How a line cites its outlets. A consensus line is one outlet's sentence for a claim several
    report, so that outlet comes first, named as the one whose words these are: a reader quoting
    the line quotes it, not the others ("words: Fox News; also HuffPost; The New York Times")."""
    if kind == "single":
        return "only " + "; ".join(outlets)
    if words in outlets and len(outlets) > 1:
        return f"words: {words}; also " + "; ".join(o for o in outlets if o != words)
    return "; ".join(outlets)


HEADLINE_MARK = "Headline: "


@dataclass(frozen=True)
class DifferenceGroup:
    """One detail given differently, with every article that gives it: (article id, its text)."""

    kind: str
    values: list[tuple[str, str]]
    note: str | None = None


def grouped_differences(discrepancies: list[dict[str, Any]]) -> list[DifferenceGroup]:
    """The report's differences as a reader counts them: one per detail, however many outlets.

    The report pairs articles, so one quotation worded three ways by three outlets is three pairs,
    and a pair may differ in two stretches of it ("owe the families" / "owe these families", "a
    full and" / "a complete and"): five lines for one thing said three ways. Pairs of one kind
    whose evidence shares a sentence are one group; each article's stretches are placed in its
    sentence and merged where they touch or overlap, in the sentence's order. A pair whose
    stretches cannot be placed (more than one sentence of an article, or a text not in it) stays
    as it is. The report itself keeps its pairs: the scorers and the JSON API read those."""
    parent = list(range(len(discrepancies)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    placed = [_placed_stretches(d) for d in discrepancies]
    first_with: dict[tuple[str, str], int] = {}
    for i, (d, spans) in enumerate(zip(discrepancies, placed, strict=True)):
        for sentence, _, _ in (spans or {}).values():
            j = first_with.setdefault((d["kind"], sentence), i)
            parent[root(i)] = root(j)
    members: dict[int, list[int]] = {}
    for i in range(len(discrepancies)):
        members.setdefault(root(i), []).append(i)
    groups = []
    for indices in sorted(members.values(), key=min):
        first = discrepancies[indices[0]]
        if len(indices) == 1 or any(placed[i] is None for i in indices):
            groups += [_group_as_is(discrepancies[i]) for i in indices]
            continue
        # Per article, per sentence: one article's side may span two of its sentences.
        stretches: dict[str, dict[str, tuple[str, list[tuple[int, int]]]]] = {}
        for i in indices:
            for article, (sentence, text, span) in (placed[i] or {}).items():
                stretches.setdefault(article, {}).setdefault(sentence, (text, []))[1].append(span)
        values = [(article, " … ".join(_merged(*by_sentence[key]) for key in sorted(by_sentence, key=_sentence_order)))
                  for article, by_sentence in stretches.items()]
        groups.append(DifferenceGroup(first["kind"], values, first.get("note")))
    return groups


def _group_as_is(d: dict[str, Any]) -> DifferenceGroup:
    return DifferenceGroup(d["kind"], [(v["article"], v["text"]) for v in d["values"]], d.get("note"))


def _placed_stretches(d: dict[str, Any]) -> dict[str, tuple[str, str, tuple[int, int]]] | None:
    """article -> (its evidence sentence, that sentence's text, the span of its value in it)."""
    sentences: dict[str, list[tuple[str, str]]] = {}
    for e in d.get("evidence", []):
        sentences.setdefault(article_of(e["sentence"]), []).append((e["sentence"], e.get("text") or ""))
    out = {}
    for v in d.get("values", []):
        found = sentences.get(v["article"], [])
        start = found[0][1].find(v["text"]) if len(found) == 1 and v["text"] else -1
        if start < 0:
            return None
        out[v["article"]] = (found[0][0], found[0][1], (start, start + len(v["text"])))
    return out


def _sentence_order(key: str) -> int:
    """`<article>:s<n>` -> n; a headline (`<article>:headline`) comes first."""
    number = key.rsplit(":s", 1)[-1]
    return int(number) if number.isdigit() else -1


def _merged(text: str, spans: list[tuple[int, int]]) -> str:
    """The stretches of `text`, joined where they overlap or only a space parts them."""
    runs: list[list[int]] = []
    for start, end in sorted(spans):
        if runs and start <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], end)
        else:
            runs.append([start, end])
    return " … ".join(text[start:end] for start, end in runs)


@dataclass(frozen=True)
class DifferenceLine:
    kind: str
    values: list[tuple[str, str]]  # (outlet, the text that outlet gives)
    note: str | None = None


@dataclass(frozen=True)
class QuoteLine:
    speaker: str | None
    outlet: str
    text: str


@dataclass(frozen=True)
class TimelineLine:
    date: str
    text: str
    outlet: str
    # The words the date was read from ("on Wednesday morning"): a sentence naming two days is
    # listed under each, and this says which one put it there.
    expression: str = ""


@dataclass(frozen=True)
class CopyLine:
    """A reprint left out of the comparison, and the original compared in its place."""

    id: str
    outlet: str | None  # None where the report predates copies carrying their outlet
    title: str | None
    original: str
    original_outlet: str


@dataclass(frozen=True)
class ReportView:
    """Everything a comparison report shows, in reading order, with outlet names resolved."""

    title: str
    articles: list[ArticleLine]
    digest: list[FactLine]
    facts: list[FactLine]
    differences: list[DifferenceLine]
    quotes: list[QuoteLine]
    timeline: list[TimelineLine]
    copies: list[CopyLine] = field(default_factory=list)

    @property
    def outlets(self) -> list[str]:
        return sorted({a.outlet for a in self.articles})


def outlet_of(article: dict[str, Any]) -> str:
    """The name to show for an article's outlet: the outlet, else the input's file name, else its id."""
    return str(article.get("outlet") or PurePath(article.get("input") or article["id"]).name)


def article_of(sentence_key: str) -> str:
    """`<article id>:s<index>` or `<article id>:headline` -> the article id (ids may contain
    colons themselves)."""
    return sentence_key.removesuffix(":headline") if sentence_key.endswith(":headline") \
        else sentence_key.rsplit(":s", 1)[0]


def view(report: dict[str, Any], title: str | None = None) -> ReportView:
    """The report's sections as typed lines, shared facts before single-source ones."""
    outlet = {a["id"]: outlet_of(a) for a in report.get("articles", [])}
    texts = {s["id"]: s["text"] for s in report.get("sentences", [])}
    headlines = {s["id"] for s in report.get("sentences", []) if s.get("headline")}
    facts = [_fact_line(f, texts, outlet, headlines) for f in report.get("facts", [])]
    return ReportView(
        title=title or "Comparison",
        articles=[ArticleLine(a["id"], outlet[a["id"]], a.get("title"), a.get("published"))
                  for a in report.get("articles", [])],
        digest=[FactLine(d["kind"], d["text"], list(d["outlets"]), words=d.get("words"))
                for d in report.get("digest", [])],
        facts=sorted((f for f in facts if f.text), key=lambda f: f.kind != "shared"),
        differences=[DifferenceLine(g.kind.replace("_", " "),
                                    [(outlet.get(article, article), text) for article, text in g.values], g.note)
                     for g in grouped_differences(report.get("discrepancies", []))],
        quotes=[QuoteLine(q.get("speaker"), outlet.get(q["article"], q["article"]), q["text"])
                for q in report.get("quotes", [])],
        timeline=[TimelineLine(e["date"], e["text"], outlet.get(article_of(e["sentence"]), ""),
                               e.get("expression") or "")
                  for e in report.get("timeline", [])],
        copies=_copy_lines(report, outlet),
    )


def _copy_lines(report: dict[str, Any], outlet: dict[str, str]) -> list[CopyLine]:
    """The copies left out, by outlet where the report names them (`copies`), else by id only."""
    named = report.get("copies") or [{"id": c, "copy_of": o} for c, o in sorted(report.get("duplicates", {}).items())]
    return [CopyLine(c["id"], outlet_of(c) if c.get("outlet") or c.get("input") else None, c.get("title"),
                     c["copy_of"], outlet.get(c["copy_of"], c["copy_of"]))
            for c in named]


def _fact_line(fact: dict[str, Any], texts: dict[str, str], outlet: dict[str, str], headlines: set[str]) -> FactLine:
    by_outlet: dict[str, str] = {}
    for key in fact["sentences"]:
        name = outlet.get(article_of(key), article_of(key))
        if key in texts:
            text = HEADLINE_MARK + texts[key] if key in headlines else texts[key]
            by_outlet[name] = f"{by_outlet[name]} | {text}" if name in by_outlet else text
    first = next((k for k in fact["sentences"] if k in texts), None)
    return FactLine(fact["kind"], texts[first] if first else "", sorted(by_outlet), by_outlet,
                    headline=first in headlines)


# -- Markdown ---------------------------------------------------------------------------------------
# CommonMark lets a backslash escape any ASCII punctuation; these are the characters that can start
# inline markup (emphasis, code, links, raw HTML, entities, tables, strikethrough) in the middle of
# a line. Block markup needs a line start, and `md` folds every newline away, so data never opens
# one. No Markdown library escapes text (they render it), hence this one expression.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&!])")


def md(text: str | None) -> str:
    """Data as literal Markdown text on one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def _md_cites(fact: FactLine) -> str:
    return f"\\[{md(citation(fact.kind, fact.outlets, fact.words))}\\]"


def _md_expression(e: TimelineLine) -> str:
    return f" ({md(e.expression)})" if e.expression else ""


def to_markdown(report: dict[str, Any], title: str | None = None) -> str:
    """The whole report as Markdown: digest, every fact, differences, quotes, timeline, sources."""
    v = view(report, title)
    lines = [f"# {md(v.title)}", "", f"{articles_count(len(v.articles))}: {md(', '.join(v.outlets))}.", ""]
    for heading, items in _md_sections(v):
        if items:
            lines += [f"## {heading}", "", *items, ""]
    return "\n".join(lines)


def _md_sections(v: ReportView) -> list[tuple[str, list[str]]]:
    def fact(f: FactLine) -> str:
        mark = f"*{HEADLINE_MARK.strip()}* " if f.headline else ""
        return f"- {mark}{md(f.text)} {_md_cites(f)}"

    def difference(d: DifferenceLine) -> str:
        values = " / ".join(f"{md(o)}: “{md(t)}”" for o, t in d.values)
        return f"- {md(d.kind)}: {values}" + (f" ({md(d.note)})" if d.note else "")

    def article(a: ArticleLine) -> str:
        published = f", {md(a.published)}" if a.published else ""
        return f"- {md(a.outlet)}: {md(a.title or 'untitled')}{published} (id {md(a.id)})"

    def copy(c: CopyLine) -> str:
        original = f"a copy of {md(c.original_outlet)} (id {md(c.original)}), not compared again"
        if c.outlet is None:
            return f"- id {md(c.id)}: {original}"
        return f"- {md(c.outlet)}: {md(c.title or 'untitled')} (id {md(c.id)}): {original}"

    return [
        ("Digest", [fact(f) for f in v.digest]),
        ("Reported by two or more outlets", [fact(f) for f in v.facts if f.kind == "shared"]),
        ("Reported by one outlet only", [fact(f) for f in v.facts if f.kind != "shared"]),
        ("Where they differ", [difference(d) for d in v.differences]),
        ("Who said what", [f"- **{md(q.speaker or 'unattributed')}** ({md(q.outlet)}): “{md(q.text)}”"
                           for q in v.quotes]),
        ("Timeline", [f"- {md(e.date)}{_md_expression(e)}: {md(e.text)} \\[{md(e.outlet)}\\]"
                      for e in v.timeline]),
        ("Articles", [article(a) for a in v.articles]
         + [copy(c) for c in v.copies]),
    ]


# -- terminal -------------------------------------------------------------------------------------
def terminal_lines(v: ReportView, limit: int | None) -> list[Rule | Text]:
    """The report for a terminal (Rich), at most `limit` items a section (None: all), each cut
    section saying how many items it left out and how to see them. Data goes into `Text` as
    plain text, never as Rich markup."""
    copied_by = sorted({c.outlet for c in v.copies if c.outlet})
    copies = f"; {len(v.copies)} {'copy' if len(v.copies) == 1 else 'copies'} of them not compared again" \
        + (f" (by {', '.join(copied_by)})" if copied_by else "") if v.copies else ""
    lines: list[Rule | Text] = [Rule(), Text(v.title, style="bold"),  # a titled rule would cut a long title
                                Text(f"{articles_count(len(v.articles))}: " + ", ".join(v.outlets) + copies)]
    lines += _terminal_section("Digest", [_fact_text(f) for f in v.digest], None, "")
    if limit is not None and len(v.facts) > len(v.digest):
        lines.append(Text(f"  a digest of {len(v.digest)} of {len(v.facts)} facts; --all lists every fact",
                          style="dim"))
    if limit is None:
        lines += _terminal_section("Every fact", [_fact_text(f) for f in v.facts], None, "facts")
    differences = [Text(f"{d.kind}: " + "  vs  ".join(f"{o}: “{t}”" for o, t in d.values)) for d in v.differences]
    lines += _terminal_section("Where they differ", differences, limit, "differences")
    quotes = [Text(f"{q.speaker or 'unattributed'} ({q.outlet}): “{q.text}”") for q in v.quotes]
    lines += _terminal_section("Who said what", quotes, limit, "quotes")
    timeline = [Text.assemble(e.date, (f" ({e.expression})" if e.expression else "", "dim"), f"  {e.text}")
                for e in v.timeline]
    return lines + _terminal_section("Timeline", timeline, limit, "dated sentences")


def _fact_text(fact: FactLine) -> Text:
    mark = (HEADLINE_MARK, "italic") if fact.headline else ""
    return Text.assemble(mark, fact.text, (f" [{citation(fact.kind, fact.outlets, fact.words)}]", "dim"))


def _terminal_section(heading: str, items: list[Text], limit: int | None, what: str) -> list[Text]:
    if not items:
        return []
    lines = [Text(""), Text(heading, style="bold"), *(Text.assemble("  • ", item) for item in items[:limit])]
    if limit is not None and len(items) > limit:
        lines.append(Text(f"  … {len(items) - limit} more {what}: --limit {len(items)} or --all shows them",
                          style="dim"))
    return lines


# -- HTML -------------------------------------------------------------------------------------------
_HTML = jinja2.Environment(
    loader=jinja2.PackageLoader("storylens", "compare/templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_HTML.globals["citation"] = citation


def to_html(report: dict[str, Any], title: str | None = None) -> str:
    """One self-contained page: inline style, no script, no external resource; every string escaped."""
    v = view(report, title)
    return _HTML.get_template("report.html").render(v=v, outlets=v.outlets)


# -- CSV --------------------------------------------------------------------------------------------
# A cell that starts with one of these is run as a formula by spreadsheets (CSV injection); a
# leading apostrophe makes it text, as OWASP recommends. The csv module quotes but does not do this.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def facts_csv(report: dict[str, Any]) -> str:
    """Facts x outlets: one row per fact, one column per outlet holding what that outlet says of it."""
    v = view(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: CRLF rows, so a lone CR or LF in a cell is quoted
    writer.writerow(["kind", "fact", "outlets", *(_cell(o) for o in v.outlets)])
    for f in v.facts:
        writer.writerow([f.kind, _cell(f.text), len(f.outlets), *(_cell(f.by_outlet.get(o, "")) for o in v.outlets)])
    return buffer.getvalue()


def articles_count(n: int) -> str:
    return f"{n} article" if n == 1 else f"{n} articles"
