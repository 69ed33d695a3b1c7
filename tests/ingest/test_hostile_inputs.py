"""Hostile and broken inputs: each is named with its reason, nothing blocks, the run goes on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from storylens.ingest import files, read_inputs
from storylens.ingest.decode import decode
from storylens.model import RawDocument, Rejection

MAX = 1 << 20
ARTICLE = "Council approves the budget\n\nThe council approved the budget on Tuesday after a debate.\n"


def read(*paths: Path) -> list[RawDocument | Rejection]:
    return list(read_inputs(paths, MAX))


def folder_with_good_article(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "zz-good.txt").write_text(ARTICLE)
    return folder


def outcome_of(results: list[RawDocument | Rejection], name: str) -> RawDocument | Rejection:
    (found,) = [r for r in results if (r.input if isinstance(r, Rejection) else r.source).endswith(name)]
    return found


def assert_good_article_read(results: list[RawDocument | Rejection]) -> None:
    assert isinstance(outcome_of(results, "zz-good.txt"), RawDocument), "the run must go on"


def test_symlink_to_itself_is_a_loop(tmp_path: Path) -> None:
    folder = folder_with_good_article(tmp_path)
    (folder / "self.html").symlink_to(folder / "self.html")
    results = read(folder)
    loop = outcome_of(results, "self.html")
    assert isinstance(loop, Rejection) and "symlink loop" in loop.reason
    assert_good_article_read(results)


def test_link_back_up_the_tree_is_read_once(tmp_path: Path) -> None:
    folder = folder_with_good_article(tmp_path)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    results = read(folder)
    up = outcome_of(results, "up")
    assert isinstance(up, Rejection) and up.stage == "discover" and "already read" in up.reason
    assert sum(isinstance(r, RawDocument) for r in results) == 1


def test_dangling_symlink_is_named_in_a_folder_and_given_directly(tmp_path: Path) -> None:
    folder = folder_with_good_article(tmp_path)
    (folder / "gone.html").symlink_to(tmp_path / "deleted.html")
    for results in (read(folder), read(folder / "gone.html", folder / "zz-good.txt")):
        gone = outcome_of(results, "gone.html")
        assert isinstance(gone, Rejection) and "dangling symlink" in gone.reason
        assert_good_article_read(results)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_link_to_an_endless_device_is_not_read(tmp_path: Path) -> None:
    folder = folder_with_good_article(tmp_path)
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "zero.txt.gz").symlink_to("/dev/zero")
    results = read(folder)
    for name in ("zero.txt", "zero.txt.gz"):
        device = outcome_of(results, name)
        assert isinstance(device, Rejection) and "character device" in device.reason
    assert_good_article_read(results)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_never_opened(tmp_path: Path) -> None:
    folder = folder_with_good_article(tmp_path)
    os.mkfifo(folder / "pipe.html")
    for results in (read(folder), read(folder / "pipe.html", folder / "zz-good.txt")):
        fifo = outcome_of(results, "pipe.html")
        assert isinstance(fifo, Rejection) and "FIFO" in fifo.reason
        assert_good_article_read(results)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_reached_by_the_reader_is_refused_without_blocking(tmp_path: Path) -> None:
    # read_bytes checks what it opened (the name may have changed since it was listed).
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(files.InputError, match="FIFO"):
        files.read_bytes(tmp_path / "pipe.txt", MAX)


def test_folder_named_like_a_page_is_read_as_a_folder(tmp_path: Path) -> None:
    folder = folder_with_good_article(tmp_path)
    (folder / "x.html").mkdir()
    (folder / "x.html" / "inner.txt").write_text(ARTICLE)
    results = read(folder)
    assert isinstance(outcome_of(results, "inner.txt"), RawDocument)
    assert_good_article_read(results)


def test_unreadable_subfolder_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = folder_with_good_article(tmp_path)
    (folder / "locked").mkdir()
    (folder / "locked" / "a.txt").write_text(ARTICLE)
    real_scandir = os.scandir

    def scandir(path: os.PathLike[str] | str) -> os.ScandirIterator[str]:
        if Path(path).name == "locked":  # chmod 000 does not stop root, who runs CI
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(files.os, "scandir", scandir)
    results = read(folder)
    locked = outcome_of(results, "locked")
    assert isinstance(locked, Rejection) and "cannot read the folder: permission denied" in locked.reason
    assert_good_article_read(results)


def test_file_name_that_is_not_utf8_is_named_with_an_escape(tmp_path: Path) -> None:
    folder = folder_with_good_article(tmp_path)
    raw_name = os.fsencode(folder) + b"/caf\xff.txt"
    with open(raw_name, "wb") as handle:
        handle.write(ARTICLE.encode())
    results = read(folder)
    (odd,) = [r for r in results if isinstance(r, RawDocument) and "caf" in r.source]
    assert odd.source.endswith("caf\\xff.txt")
    odd.source.encode("utf-8")  # storable and printable
    assert_good_article_read(results)


def test_unsupported_files_in_a_folder_are_skipped_with_a_reason(tmp_path: Path) -> None:
    folder = folder_with_good_article(tmp_path)
    for name in ("photo.png", "paper.pdf", "feed.rss"):
        (folder / name).write_bytes(b"\x89PNG not an article")
    results = read(folder)
    skipped = [r for r in results if isinstance(r, Rejection)]
    assert sorted(Path(r.input).name for r in skipped) == ["feed.rss", "paper.pdf", "photo.png"]
    assert all(r.stage == "discover" and "not an article file type" in r.reason for r in skipped)
    assert_good_article_read(results)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_byte_order_mark_are_decoded(encoding: str) -> None:
    text = "Le président a déclaré que la décision était définitive.\n" * 20
    assert decode(text.encode(encoding), "page.txt") == text


def test_binary_with_nul_bytes_is_still_binary() -> None:
    with pytest.raises(files.InputError, match="binary"):
        decode(bytes(range(256)) * 64, "blob.txt")


def jsonl(tmp_path: Path, *lines: str) -> list[RawDocument | Rejection]:
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return read(path)


def test_deeply_nested_json_line_rejects_that_line_only(tmp_path: Path) -> None:
    good = json.dumps({"title": "T", "text": "Body."})
    deep, ok = jsonl(tmp_path, "[" * 100_000, good)
    assert isinstance(deep, Rejection) and deep.input.endswith(":1") and "not a JSON object" in deep.reason
    assert isinstance(ok, RawDocument)


def test_lone_surrogate_in_a_record_becomes_a_replacement_character(tmp_path: Path) -> None:
    (doc,) = jsonl(tmp_path, '{"title": "Bad \\ud800 title", "text": "Body \\udfff text.", "id": "a\\ud800"}')
    assert isinstance(doc, RawDocument)
    assert doc.title == "Bad \ufffd title" and doc.content == "Body \ufffd text." and doc.id == "a\ufffd"


def test_a_pair_of_escaped_surrogates_is_one_character(tmp_path: Path) -> None:
    (doc,) = jsonl(tmp_path, '{"title": "Smile \\ud83d\\ude00", "text": "Body."}')
    assert isinstance(doc, RawDocument) and doc.title == "Smile \U0001F600"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [("id", True, "'id' must be a string or a whole number, not true/false"),
     ("title", ["a", "list"], "'title' must be a string, not a list"),
     ("published", 20200106, "'published' must be a string, not a number"),
     ("source", {"name": "Wire"}, "'source' must be a string, not an object")],
)
def test_fields_of_the_wrong_type_reject_the_record(tmp_path: Path, field: str, value: object, reason: str) -> None:
    (rejected,) = jsonl(tmp_path, json.dumps({"title": "T", "text": "Body.", field: value}))
    assert isinstance(rejected, Rejection) and rejected.reason == reason


def test_numeric_id_is_kept_as_its_digits(tmp_path: Path) -> None:
    (doc,) = jsonl(tmp_path, json.dumps({"id": 7, "title": "T", "text": "Body."}))
    assert isinstance(doc, RawDocument) and doc.id == "7"


def test_line_separator_inside_a_json_string_does_not_split_the_record(tmp_path: Path) -> None:
    record = json.dumps({"title": "T", "text": "One\u2028two\u2029three."}, ensure_ascii=False)
    (doc,) = jsonl(tmp_path, record)
    assert isinstance(doc, RawDocument) and doc.content == "One\u2028two\u2029three."
