"""The bound `tools/fit_align.py --ceiling` reports: how much of a gold alignment facts can hold."""

import importlib.util
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parents[2] / "tools" / "fit_align.py"


def _tool():
    spec = importlib.util.spec_from_file_location("fit_align", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fit_align", module)
    spec.loader.exec_module(module)
    return module


LONG = " ".join(["word"] * 30)


def test_one_sentence_per_article_holds_a_matching_of_the_required_pairs():
    gold = {"required": [["a1", "b1"], ["a1", "b2"], ["a2", "b1"]]}
    assert _tool().matchable_share([gold], None) == 2 / 3


def test_long_sentences_may_sit_in_two_facts():
    gold = {"required": [[LONG + " a", LONG + " b"], [LONG + " a", "b2"], ["a2", LONG + " b"]]}
    tool = _tool()
    assert tool.matchable_share([gold], None) == 2 / 3
    assert tool.matchable_share([gold], 25) == 1.0
