"""The session guard of conftest.py notices a write into the working tree."""
from __future__ import annotations

from conftest import _tree_state


def test_the_guard_sees_a_new_or_changed_file_but_not_the_interpreters_cache(tmp_path):
    (tmp_path / "examples" / "x").mkdir(parents=True)
    (tmp_path / "data.yaml").write_text("a: 1\n", encoding="utf-8")
    before = _tree_state(tmp_path)
    (tmp_path / "src" / "__pycache__").mkdir(parents=True)
    (tmp_path / "src" / "__pycache__" / "m.pyc").write_bytes(b"x")
    assert {k for k in _tree_state(tmp_path) if k not in before} == {"src"}  # a folder, as a name only
    before = _tree_state(tmp_path)
    (tmp_path / "examples" / "x" / "out").mkdir()
    (tmp_path / "examples" / "x" / "out" / "stamp.json").write_text("{}", encoding="utf-8")
    (tmp_path / "data.yaml").write_text("a: 2\n", encoding="utf-8")
    after = _tree_state(tmp_path)
    assert sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k)) == \
        ["data.yaml", "examples/x/out", "examples/x/out/stamp.json"]
