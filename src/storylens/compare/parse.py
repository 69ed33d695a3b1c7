"""One sentence parsed for a compare rule (a speaker's place, a date's verb, a digest line's subject).

The process shares one spaCy pipeline, which is not safe to run from two threads at once (see
`storylens.analyze.nlp`); the web server compares stories in its request threads, so every parse
here holds the pipeline's lock, as analysis does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

MAX_PARSED = 2000  # characters: a "sentence" longer than this is a failed split, and article text is unbounded


def parse_sentence(text: str) -> Doc:
    from storylens.analyze import nlp  # here: the stages that never parse should not pay spaCy's import

    text = nlp.without_datelines(text[:MAX_PARSED])  # a lead's "WASHINGTON (AP) —" is not its subject
    with nlp.PARSE:
        return nlp.load()(text)
