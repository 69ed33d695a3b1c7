"""What a story remembers, as text a store can keep: `StoryState` to JSON and back.

The encoding follows the dataclass's fields and their runtime types (counters, sets, arrays,
dates, numbers), so a signal added to `StoryState` later is saved without touching this module.
The rows of the headline index are kept apart (a store keeps them per article), and private
fields are caches that are rebuilt on demand.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import fields
from datetime import datetime
from typing import Any

import numpy as np

from storylens.stories.cluster import StoryState

_KEPT_APART = {"id", "rows"}


def encode(story: StoryState) -> str:
    values = {f.name: _encode_value(getattr(story, f.name)) for f in fields(story)
              if f.name not in _KEPT_APART and not f.name.startswith("_")}
    if story._centroids is not None:
        # The centroid cache is kept too: it is refreshed only as document frequencies drift, so a
        # stream resumed from the store must score with the same cached centroids as one that ran on.
        values["centroids"] = {"words": story._centroids[0], "names": story._centroids[1],
                               "at": story._centroids_at}
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def decode(story_id: str, text: str) -> StoryState:
    known = {f.name for f in fields(StoryState)}
    data = json.loads(text)
    values = {name: _decode_value(value) for name, value in data.items() if name in known}
    story = StoryState(id=story_id, **values)
    cached = data.get("centroids")
    if cached is not None:
        story._centroids = (dict(cached["words"]), dict(cached["names"]))
        story._centroids_at = int(cached["at"])
    return story


def _encode_value(value: Any) -> Any:
    if isinstance(value, Counter):
        return {"counter": dict(value)}
    if isinstance(value, set | frozenset):
        return {"set": sorted(value)}
    if isinstance(value, np.ndarray):
        return {"array": base64.b64encode(np.ascontiguousarray(value).tobytes()).decode("ascii"),
                "dtype": str(value.dtype), "shape": list(value.shape)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot save a story field of type {type(value).__name__}; teach stories/state.py")


def _decode_value(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "counter" in value:
        return Counter(value["counter"])
    if "set" in value:
        return set(value["set"])
    if "array" in value:
        data = np.frombuffer(base64.b64decode(value["array"]), dtype=np.dtype(value["dtype"]))
        return data.reshape(value["shape"]).copy()
    if "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    raise ValueError(f"unknown saved story value {sorted(value)}")
