"""Render the demo corpus (tools/demo_stories.py) into src/storylens/demo/corpus/ and gold.json.

    python tools/make_demo_corpus.py

Each outlet gets the page furniture real sites have, so the cleaner has real work to do:
navigation, related-headline lists (some inside the article container), photo captions with
credits, "follow our live updates" lines, video blurbs, bylines and dates in several formats.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
from datetime import datetime
from pathlib import Path

from demo_stories import CAPTIONS, RELATED, STORIES

OUT = Path(__file__).resolve().parent.parent / "src" / "storylens" / "demo"
SLUGS = {"Meridian Wire": "meridian-wire", "The Harbour Ledger": "harbour-ledger", "Valley Post": "valley-post",
         "Northgate Courier": "northgate-courier", "Eastfield Radio": "eastfield-radio",
         "The Daily Compass": "daily-compass"}
LIVE = {"flood", "wildfire"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def page(outlet: str, title: str, head: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>{esc(title)} | {esc(outlet)}</title>\n"
            f"<meta property=\"og:site_name\" content=\"{esc(outlet)}\">\n<meta property=\"og:title\" content=\"{esc(title)}\">\n"
            f"{head}</head>\n<body>\n<header class=\"site-header\"><nav class=\"menu\"><ul><li><a href=\"/\">Home</a></li>"
            "<li><a href=\"/news\">News</a></li><li><a href=\"/sport\">Sport</a></li><li><a href=\"/weather\">Weather</a></li>"
            f"</ul></nav></header>\n{body}\n<footer class=\"site-footer\"><p>© 2025 {esc(outlet)}. All rights reserved.</p>"
            "<p><a href=\"/privacy\">Privacy</a> · <a href=\"/cookies\">Cookie settings</a></p></footer>\n</body></html>\n")


def paragraphs(paras: list[str]) -> str:
    return "\n".join(f"<p>{esc(p)}</p>" for p in paras)


def figure(story: str, credit: str) -> str:
    return (f"<figure><img src=\"/img/{story}.jpg\" alt=\"{esc(CAPTIONS[story])}\">"
            f"<figcaption class=\"caption\">{esc(CAPTIONS[story])}. <span class=\"credit\">Photo: {esc(credit)}</span>"
            "</figcaption></figure>")


def render_wire(story: str, a: dict, when: datetime) -> str:
    head = f"<meta name=\"date\" content=\"{when.isoformat()}\">\n"
    body = (f"<main><article><h1>{esc(a['title'])}</h1><p class=\"byline\">By {esc(a['byline'])}, Meridian Wire</p>"
            f"<p class=\"dateline\">{when:%Y-%m-%d %H:%M} GMT</p>\n{paragraphs(a['paras'])}\n"
            "<p class=\"wire-note\">Copyright Meridian Wire. Licensed for republication by subscribers.</p>"
            "</article></main>")
    return page(a["outlet"], a["title"], head, body)


def render_ledger(story: str, a: dict, when: datetime) -> str:
    updated = when.replace(hour=min(when.hour + 2, 23))
    live = "<p><strong>FOLLOW OUR LIVE UPDATES HERE</strong></p>" if story in LIVE else ""
    paras = a["paras"]
    body = (f"<main><article class=\"story\"><h1>{esc(a['title'])}</h1>"
            f"<p class=\"dateline\">{when.day} {when:%B %Y, %H:%M} | Updated: {updated.day} {updated:%B %Y, %H:%M}</p>"
            f"<p class=\"byline\">By {esc(a['byline'])}</p>\n{figure(story, 'Harbour Ledger')}\n"
            f"{paragraphs(paras[:2])}\n{live}\n{paragraphs(paras[2:])}\n"
            "<h3>More Latest News</h3><ul class=\"more-news\">"
            + "".join(f"<li><a href=\"/n/{i}\">{esc(r)}</a></li>" for i, r in enumerate(RELATED[:4]))
            + "</ul></article></main>")
    return page(a["outlet"], a["title"], f"<meta property=\"article:published_time\" content=\"{when.isoformat()}\">\n", body)


def render_courier(story: str, a: dict, when: datetime) -> str:
    body = (f"<div class=\"layout\"><main><article><h1>{esc(a['title'])}</h1>"
            f"<div class=\"meta\"><span class=\"author\">By {esc(a['byline'])}</span> · "
            f"<time datetime=\"{when.isoformat()}\">{when:%A %d %B %Y}</time></div>\n"
            f"<div class=\"share\"><a href=\"#\">Share on social media</a> <a href=\"#\">Email this story</a></div>\n"
            f"{paragraphs(a['paras'])}\n{figure(story, 'Northgate Courier')}\n</article></main>\n"
            "<aside class=\"most-read\"><h2>Most read</h2><ol>"
            + "".join(f"<li><a href=\"/r/{i}\">{esc(r)}</a></li>" for i, r in enumerate(RELATED[2:6]))
            + "</ol></aside><div class=\"newsletter\"><p>Sign up for the Courier morning briefing</p></div></div>")
    return page(a["outlet"], a["title"], f"<meta property=\"article:published_time\" content=\"{when.isoformat()}\">\n", body)


def render_compass(story: str, a: dict, when: datetime) -> str:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"],
                     "datePublished": when.isoformat(), "author": {"@type": "Person", "name": a["byline"]},
                     "publisher": {"@type": "Organization", "name": a["outlet"]}})
    body = (f"<main><article><h1>{esc(a['title'])}</h1><p class=\"byline\">{esc(a['byline'])}</p>"
            f"<div class=\"video-player\"><p>Watch: our reporter explains the story in 90 seconds</p></div>\n"
            f"{paragraphs(a['paras'])}\n</article>\n<section class=\"related\"><h2>Related stories</h2><ul>"
            + "".join(f"<li><a href=\"/c/{i}\">{esc(r)}</a></li>" for i, r in enumerate(RELATED[1:4]))
            + "</ul></section></main>")
    return page(a["outlet"], a["title"], f"<script type=\"application/ld+json\">{ld}</script>\n", body)


def render_valley(story: str, a: dict, when: datetime) -> str:
    hour = when.strftime("%I:%M %p").lstrip("0").lower()
    lines = [a["title"], "", f"{when:%B} {when.day}, {when.year} at {hour}", "",
             CAPTIONS[story], f"{CAPTIONS[story]}. Picture: Valley Post", ""]
    paras = a["paras"]
    lines += [p + "\n" for p in paras[:2]]
    if story in LIVE:
        lines.append("FOLLOW OUR LIVE UPDATES HERE\n")
    lines += [p + "\n" for p in paras[2:]]
    lines += ["More Latest News", "", "See more More Latest News", ""]
    for r in RELATED[:5]:
        lines += [r, ""]
    lines.append("© Valley Post 2025")
    return "\n".join(lines) + "\n"


def render_eastfield(story: str, a: dict, when: datetime | None) -> str:
    lines = [a["title"], "", "  • Video report by Eastfield Radio reporter Noor Haddad", ""]
    paras = a["paras"]
    lines += [p + "\n" for p in paras[:2]]
    lines.append(f"{CAPTIONS[story]}. Credit: Eastfield Radio\n")
    lines += [p + "\n" for p in paras[2:]]
    lines.append("  • Listen to the Eastfield Radio news podcast every morning from 7am\n")
    lines.append("© 2025 Eastfield Radio")
    return "\n".join(lines)


RENDER = {"wire": (render_wire, ".html"), "ledger": (render_ledger, ".html"), "courier": (render_courier, ".html"),
          "compass": (render_compass, ".html.gz"), "valley": (render_valley, ".txt"),
          "eastfield": (render_eastfield, ".txt")}


def main() -> None:
    corpus = OUT / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    gold: dict = {"about": "Demo corpus gold: the story of every file, planted duplicates and differences.",
                  "articles": {}, "duplicates": [], "planted": {
                      "quote_wording": {"story": "bridge", "values": ["owe the families a full", "owe these families a complete"]},
                      "name_spelling": {"story": "ferry", "values": ["Tomasz Wieczorek", "Tomas Wieczorek"]},
                      "number": {"story": "layoffs", "values": ["300", "350"]},
                      "denial": {"story": "museum", "claim": "filed an insurance claim", "denial": "has denied reports"}}}
    wire_copies = []
    for story, articles in STORIES.items():
        for a in articles:
            when = datetime.fromisoformat(a["date"]) if a["date"] else None
            render, suffix = RENDER[a["kind"]]
            content = render(story, a, when or datetime(2025, 1, 1))
            name = f"{SLUGS[a['outlet']]}/{(when or datetime(2025, 1, 1)):%Y-%m-%d}-{slug(a['title'])}{suffix}" if when \
                else f"{SLUGS[a['outlet']]}/{slug(a['title'])}{suffix}"
            path = corpus / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if suffix.endswith(".gz"):
                path.write_bytes(gzip.compress(content.encode("utf-8"), mtime=0))
            else:
                path.write_text(content, encoding="utf-8")
            gold["articles"][name] = {"story": story, "outlet": a["outlet"], "title": a["title"],
                                      "published": a["date"]}
            if story == "bridge" and a["kind"] in ("wire", "ledger", "valley"):
                wire_copies.append(name)
    gold["duplicates"] = [wire_copies]
    (OUT / "gold.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(gold['articles'])} articles in {len(STORIES)} stories written to {corpus}")


if __name__ == "__main__":
    main()
