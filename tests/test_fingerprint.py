"""Digests and the one comparison of a file with its recorded digest."""

from reportlib import fingerprint


def test_compare_says_how_a_file_differs_from_its_record(tmp_path):
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    digest = fingerprint.file_hash(tmp_path / "a.txt")
    assert fingerprint.compare(tmp_path, "a.txt", digest) is None
    (tmp_path / "a.txt").write_text("two", encoding="utf-8")
    assert fingerprint.compare(tmp_path, "a.txt", digest) == "changed"
    assert fingerprint.compare(tmp_path, "gone.txt", digest) == "is gone"


def test_compare_never_vouches_for_a_file_outside_its_folder(tmp_path):
    inside = tmp_path / "out"
    inside.mkdir()
    (tmp_path / "secret.txt").write_text("x", encoding="utf-8")
    digest = fingerprint.file_hash(tmp_path / "secret.txt")
    assert fingerprint.compare(inside, "../secret.txt", digest) == "outside"
    (inside / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert fingerprint.compare(inside, "link.txt", digest) == "outside"


def test_changed_lists_each_file_not_as_recorded(tmp_path):
    (tmp_path / "kept.txt").write_text("k", encoding="utf-8")
    (tmp_path / "new.txt").write_text("n", encoding="utf-8")
    recorded = {
        "kept.txt": fingerprint.file_hash(tmp_path / "kept.txt"),
        "removed.txt": "0" * 64,
        "new.txt": None,  # not there when recorded
        "never.txt": None,
    }
    assert fingerprint.changed(tmp_path, recorded) == ["new.txt (added)", "removed.txt (removed)"]


def test_a_canonical_hash_ignores_key_order():
    assert fingerprint.canonical_hash({"a": 1, "b": [2]}) == fingerprint.canonical_hash(
        {"b": [2], "a": 1}
    )
