"""Sentence boundaries with pysbd, which knows news abbreviations ("U.S.", "Gen.", "Mr.") that a
rule-based splitter gets wrong. Paragraph breaks are always sentence breaks.

A pysbd `Segmenter` keeps the text it is working on in its own attributes, so one shared by two
threads (the web server's thread pool) splits one thread's paragraph at the other's offsets: each
thread gets its own segmenter.
"""

from __future__ import annotations

import re
import threading

import pysbd

from storylens.model import Sentence

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")  # what ends a paragraph: a blank line
# What no sentence opens with: pysbd ends a sentence at an abbreviation it does not know ("Mitch
# McConnell, R-Ky., has vowed"), and the piece after it, led by the comma, is the same sentence.
_CONTINUES = re.compile(r"[,;:)\]}]")


_local = threading.local()


def _segmenter() -> pysbd.Segmenter:
    """This thread's segmenter (made on first use; about 1 ms)."""
    segmenter = getattr(_local, "segmenter", None)
    if segmenter is None:
        segmenter = _local.segmenter = pysbd.Segmenter(language="en", clean=False)
    return segmenter


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for paragraph in _PARAGRAPH.finditer(text):
        cursor = paragraph.start()
        for piece in _segmenter().segment(paragraph.group(0)):
            piece = piece.strip()
            if not piece:
                continue
            start = text.find(piece, cursor, paragraph.end())
            if start < 0:  # pysbd altered the text: fall back to the rest of the paragraph
                start, piece = cursor, text[cursor : paragraph.end()].strip()
            if _CONTINUES.match(piece) and sentences and sentences[-1].start >= paragraph.start():
                sentences[-1] = Sentence(sentences[-1].start, start + len(piece), index=sentences[-1].index)
            else:
                sentences.append(Sentence(start, start + len(piece), index=len(sentences)))
            cursor = start + len(piece)
    return sentences


def sentence_at(sentences: list[Sentence], offset: int) -> int:
    """Index of the sentence holding `offset` (or the last one starting before it)."""
    found = 0
    for sentence in sentences:
        if sentence.start > offset:
            break
        found = sentence.index
    return found
