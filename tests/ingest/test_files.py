import gzip
import json
from pathlib import Path

import pytest

from storylens.ingest import read_inputs
from storylens.model import RawDocument, Rejection

MAX = 1 << 20


def read(*paths: Path, max_bytes: int = MAX) -> list[RawDocument | Rejection]:
    return list(read_inputs(paths, max_bytes))


def test_folder_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second article text.")
    (tmp_path / "a.html").write_text("<html><body><p>First.</p></body></html>")
    (tmp_path / "notes.md").write_text("skipped: not an article format, but counted")
    found = read(tmp_path)
    docs = [d for d in found if isinstance(d, RawDocument)]
    assert [Path(d.source).name for d in docs] == ["a.html", "two.txt"]
    assert [d.kind for d in docs] == ["html", "text"]
    (skipped,) = [r for r in found if isinstance(r, Rejection)]
    assert skipped.stage == "discover" and skipped.input.endswith("notes.md") and ".md" in skipped.reason


def test_gzipped_html_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress("<p>Zürich café</p>".encode()))
    (doc,) = read(path)
    assert isinstance(doc, RawDocument) and "Zürich café" in doc.content


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty input"),
        ("blank.txt", b"  \n\n ", "empty input"),
        ("binary.html", bytes(range(256)) * 8, "binary content"),
        ("corrupt.html.gz", b"\x1f\x8b\x08\x00garbage", "cannot read"),
        ("photo.jpg", b"\xff\xd8\xff", None),  # not an article format: skipped in folders, rejected by name
    ],
)
def test_bad_inputs_are_rejected_with_a_reason_naming_the_file(
        tmp_path: Path, name: str, content: bytes, reason: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("A good article that must still be read.")
    results = read(path, good)
    rejection, ok = results
    assert isinstance(rejection, Rejection) and rejection.input == str(path)
    assert reason is None or reason in rejection.reason
    assert isinstance(ok, RawDocument), "the run must go on after a bad input"


def test_wrongly_encoded_text_is_decoded_by_detection(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le président a déclaré que la décision était définitive. " .encode("latin-1") * 5)
    (doc,) = read(path)
    assert isinstance(doc, RawDocument) and "président" in doc.content


def test_undecodable_bytes_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x07, 0x1B]) * 400)
    (rejection,) = read(path)
    assert isinstance(rejection, Rejection)


def test_oversized_input_is_rejected_not_truncated(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("word " * 1000)
    (rejection,) = read(path, max_bytes=100)
    assert isinstance(rejection, Rejection) and "larger than" in rejection.reason


def test_missing_path_is_rejected(tmp_path: Path) -> None:
    (rejection,) = read(tmp_path / "nope.html")
    assert isinstance(rejection, Rejection) and "no such file" in rejection.reason


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "x1", "title": "T", "text": "Body one.", "published": "2020-01-06", "source": "Wire"}),
        "{not json",
        json.dumps({"id": "x2", "html": "<p>Body two.</p>"}),
        json.dumps(["a list"]),
        json.dumps({"id": "x3"}),
    ]
    path.write_text("\n".join(lines))
    results = read(path)
    kinds = [(type(r).__name__, getattr(r, "kind", None)) for r in results]
    assert kinds == [("RawDocument", "clean"), ("Rejection", None), ("RawDocument", "html"),
                     ("Rejection", None), ("Rejection", None)]
    first = results[0]
    assert isinstance(first, RawDocument) and first.outlet == "Wire" and first.published is not None
    assert isinstance(results[1], Rejection) and results[1].input.endswith("feed.jsonl:2")


def _records(count: int, words: int = 30) -> list[str]:
    return [json.dumps({"id": f"r{i}", "title": f"Title {i}", "text": "word " * words}) for i in range(count)]


def test_a_jsonl_file_is_bounded_record_by_record(tmp_path: Path) -> None:
    # 40 records of about 200 bytes each: the file is ten times the bound, each record within it.
    path = tmp_path / "export.jsonl"
    lines = _records(40)
    lines[7] = json.dumps({"id": "big", "title": "Big", "text": "word " * 400})  # one record over the bound
    path.write_text("\n".join(lines) + "\n")
    results = read(path, max_bytes=800)
    documents = [r for r in results if isinstance(r, RawDocument)]
    assert [d.id for d in documents] == [f"r{i}" for i in range(40) if i != 7]
    (rejection,) = [r for r in results if isinstance(r, Rejection)]
    assert rejection.input == f"{path}:8" and "larger than" in rejection.reason


def test_a_cut_short_jsonl_gz_keeps_the_lines_before_the_break(tmp_path: Path) -> None:
    packed = gzip.compress(("\n".join(_records(200)) + "\n").encode())
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    results = read(path)
    documents = [r for r in results if isinstance(r, RawDocument)]
    assert len(documents) > 20 and [d.id for d in documents] == [f"r{i}" for i in range(len(documents))]
    assert isinstance(results[-1], Rejection) and results[-1].input == str(path)
    assert f"after line {len(documents)}" in results[-1].reason


@pytest.mark.parametrize(("content", "reason"), [(b"", "empty input"), (b"\n\n", "empty input"),
                                                 (b"\x1f\x8b\x08\x00garbage", "cannot read")])
def test_a_jsonl_file_with_nothing_to_read_is_rejected_whole(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / ("x.jsonl.gz" if content.startswith(b"\x1f") else "x.jsonl")
    path.write_bytes(content)
    (rejection,) = read(path)
    assert isinstance(rejection, Rejection) and rejection.input == str(path) and reason in rejection.reason


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "latin-1"])
def test_jsonl_in_other_encodings_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "x.jsonl"
    record = {"id": "c", "title": "Café", "text": "Le café de la gare a fermé lundi après trente ans."}
    path.write_bytes(("\n".join([json.dumps(record, ensure_ascii=False)] * 2) + "\n").encode(encoding))
    results = read(path)
    assert all(isinstance(r, RawDocument) and r.title == "Café" for r in results) and len(results) == 2
