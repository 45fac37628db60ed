"""The YAML loader: data, source map, and refusals with file:line diagnostics."""
from __future__ import annotations

import pytest
import yaml

from regionrapport import load
from regionrapport.diagnostics import ReportError
from regionrapport.load import load_file, load_text, yaml11_surprise


_BACKENDS = [pytest.param(yaml.SafeLoader, id="pure-python")]
if hasattr(yaml, "CSafeLoader"):
    _BACKENDS.insert(0, pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.fixture(autouse=True, params=_BACKENDS)
def yaml_backend(request, monkeypatch):
    """Every loader test runs under libyaml and under PyYAML's pure-Python parser:
    their limits and error reports differ (libyaml >= 0.2.6 stops at 1 000 levels)."""
    monkeypatch.setattr(load, "_Loader", request.param)
    return request.param


def test_both_backends_are_available():
    # On a machine without libyaml the C half of the parametrisation would silently vanish.
    assert hasattr(yaml, "CSafeLoader"), "PyYAML was installed without libyaml"


def refused(text: str):
    with pytest.raises(ReportError) as e:
        load_text(text, "x.yaml")
    return e.value.diagnostics


def test_source_map_records_keys_values_and_raw_text():
    got = load_text("a:\n  b: 1\n  c: [x, 'y']\n", "x.yaml")
    assert got.data == {"a": {"b": 1, "c": ["x", "y"]}}
    sm = got.smap
    assert (sm.keys[("a", "b")].line, sm.keys[("a", "b")].col) == (2, 3)
    assert (sm.values[("a", "b")].line, sm.values[("a", "b")].col) == (2, 6)
    assert sm.values[("a", "c", 1)].col == 10
    assert sm.raw[("a", "b")] == "1" and ("a", "c", 1) in sm.quoted
    assert sm.pos(("a", "missing", "deeper")) == sm.values[("a",)]  # nearest existing ancestor


def test_duplicate_key_names_both_lines():
    (d,) = refused("poster:\n  hsn:\n    utfall: 1\n    budget: 2\n    utfall: 3\n")
    assert (d.code, d.line, d.col) == ("RR005", 5, 5)
    assert "rad 3 och rad 5" in d.message


def test_all_duplicates_are_reported_at_once():
    diags = refused("a: 1\na: 2\nb: 1\nb: 2\n")
    assert [(d.code, d.line) for d in diags] == [("RR005", 2), ("RR005", 4)]


@pytest.mark.parametrize("text,line", [("a: &x 1\nb: *x\n", 1), ("a: 1\nb: &y [1]\n", 2), ("a: {<<: {b: 1}}\n", 1)])
def test_anchors_aliases_and_merge_keys_are_refused(text, line):
    (d,) = refused(text)
    assert (d.code, d.line) == ("RR004", line)


def test_alias_bomb_is_refused_before_expansion():
    # Nine levels of nine aliases: 387 million strings if anything walked the result.
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    (d,) = refused("\n".join(rows) + "\n")
    assert (d.code, d.line) == ("RR004", 1)


def test_deep_nesting_is_refused_before_conversion():
    (d,) = refused("a: " + "[" * 100000 + "]" * 100000 + "\n")
    assert d.code == "RR003" and "nästlad" in d.message


def test_oversized_file_is_refused_without_reading(tmp_path, monkeypatch):
    f = tmp_path / "big.yaml"
    f.write_text("a: 1\n" * 100, encoding="utf-8")
    monkeypatch.setattr(load, "MAX_BYTES", 100)
    monkeypatch.setattr(type(f), "read_bytes", lambda self: pytest.fail("an oversized file must not be read"))
    with pytest.raises(ReportError) as e:
        load_file(f, tmp_path)
    (d,) = e.value.diagnostics
    assert (d.code, d.file, d.line) == ("RR003", "big.yaml", 1)


def test_missing_file_and_bad_encoding(tmp_path):
    with pytest.raises(ReportError) as e:
        load_file(tmp_path / "nope.yaml", tmp_path)
    assert e.value.diagnostics[0].code == "RR001"
    f = tmp_path / "latin1.yaml"
    f.write_bytes("a: 1\nnamn: H\xe4lso\n".encode("latin-1"))
    with pytest.raises(ReportError) as e:
        load_file(f, tmp_path)
    (d,) = e.value.diagnostics
    assert (d.code, d.line) == ("RR002", 2) and "UTF-8" in d.message


@pytest.mark.parametrize("text,line,words", [
    ("a:\n  b 1\n  c: 2\n", 2, "nyckeln saknar kolon"),
    ("a:\n\tb: 1\n", 2, "tabbtecken"),
    ('a:\n  t: "abc\n  b: 1\nc:\n  d: 2\n', 2, "citattecknet som börjar här stängs aldrig"),
    ('a:\n  t: "abc\n  b: 1\nc: {x: "y"}\n', 2, "citattecknet som börjar här stängs aldrig"),
    ("a: [1, 2\nb: 3\n", 1, "listan som börjar här"),
    ("a: {x: 1\nb: 3\n", 1, "mappningen som börjar här"),
    ("a:\n  b: 1\n c: 2\n", 3, "indraget stämmer inte"),
    ("a:\n  b: 1\n    c: 2\n", 3, "mer indragen än raden ovanför"),
    ("a:\n  - 1\n  b: 2\n", 3, "listelement (-) och nycklar"),
    ("a: @x\n", 1, "tecknet '@' kan inte inleda ett värde"),
])
def test_syntax_errors_are_located_where_the_fix_is(text, line, words):
    (d,) = refused(text)
    assert (d.code, d.line) == ("RR002", line), d
    assert words in d.message and "«" in d.message and d.hint


@pytest.mark.parametrize("text,words", [
    ("tid: 1:30\n", "talet 90 (sexagesimalt"),
    ("antal: 012\n", "talet 10 (oktalt"),
    ("antal: 0x1f\n", "talet 31 (hexadecimalt)"),
    ("no: Norge\n", "Nyckeln 'no' läses av YAML som falskt"),
])
def test_yaml11_numbers_and_boolean_keys_are_refused_wherever_they_stand(text, words):
    (d,) = refused(text)
    assert d.code == "RR014" and words in d.message


def test_plain_zero_and_quoted_forms_are_fine():
    got = load_text('a: 0\nb: "1:30"\nc: "012"\nd: 10.5\ne: "no"\n', "x.yaml").data
    assert got == {"a": 0, "b": "1:30", "c": "012", "d": 10.5, "e": "no"}


def test_impossible_date_is_an_invalid_value():
    (d,) = refused("datum: 2025-02-30\n")
    assert (d.code, d.line) == ("RR016", 1) and "2025-02-30" in d.message


@pytest.mark.parametrize("raw,value,expected", [
    ("no", False, "falskt"), ("yes", True, "sant"), ("off", False, "falskt"),
    ("1e3", "1e3", "som text"), ("08", "08", "inledande nolla"),
    ("false", False, None), ("12", 12, None), ("0", 0, None), ("-3.5", -3.5, None), (None, False, None),
])
def test_yaml11_surprise(raw, value, expected):
    got = yaml11_surprise(raw, value)
    assert (got is None) if expected is None else (expected in got)
