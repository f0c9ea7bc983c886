"""The manifest names, per output, the engine that made it, and the lock installed from."""

from reportlib import lock, manifest

from helpers import REPO


def test_engines_name_the_route_and_versions_of_each_output():
    found = manifest.engines(["a.ipynb", "a.html", "a.pdf"], "typst")
    assert set(found) == {"a.html", "a.pdf"}
    assert found["a.html"]["engine"] == "nbconvert"
    pdf = found["a.pdf"]
    assert pdf["engine"] == "typst"
    assert pdf["typst"][0].isdigit() and pdf["pandoc"][0].isdigit(), pdf
    assert manifest.engines(["a.pdf"], "quarto")["a.pdf"]["engine"] == "quarto"


def test_lock_state_is_the_hash_of_the_lock_files(tmp_path):
    state = manifest.lock_state(REPO)
    assert state == {"files": list(lock.LOCKS), "sha256": lock.file_digest(REPO)}
    # a project without a lock of its own records the lock reportlib was installed from
    assert manifest.lock_state(tmp_path) == state


def test_lock_digest_changes_with_any_lock_file(tmp_path):
    (tmp_path / "requirements").mkdir()
    for name in lock.LOCKS:
        (tmp_path / name).write_bytes((REPO / name).read_bytes())
    before = lock.file_digest(tmp_path)
    path = tmp_path / "requirements" / "dev.txt"
    path.write_text(path.read_text() + "\n")
    assert lock.file_digest(tmp_path) != before
