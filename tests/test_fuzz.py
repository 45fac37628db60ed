"""Fuzzing: mutated example files never crash `check`, and what `check` calls clean builds.

A bounded property-based test (Hypothesis). Each case takes one of the two example
projects (Kronoberg at the root, the fictional Norrby), mutates its YAML files (values
of every type, keys renamed, added and removed, numbers that are not finite or absurdly
large, texts with Jinja and Markdown) and asserts:

- `rapport check --all` ends with exit code 0 or 1 and never prints a traceback or an
  internal error: bad input is a located diagnostic;
- when it exits 0, `rapport build --all --format md` succeeds too: check finds what
  the build would stop on.

The normal suite runs a few derandomized cases (the same ones every run, a few seconds).
A long run: `RAPPORT_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py`
(random cases; add `RAPPORT_FUZZ_SEED=n` to repeat one, `RAPPORT_FUZZ_LOG=file` to
log every case). Results: docs/fuzzing.md.
"""
from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from regionrapport.cli import main

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = {
    "kronoberg": (ROOT, ["organisation.yaml", "data/budget/budget-2025.yaml", "data/outcomes/delar-mars-2025.yaml",
                         "data/outcomes/budget-2025.yaml"]),
    "norrby": (ROOT / "examples" / "region-norrby",
               ["organisation.yaml", "data/budget/budget-2025.yaml", "data/outcomes/tertial2-2025.yaml"]),
    "sjovalla": (ROOT / "examples" / "sjovalla-kommun",
                 ["organisation.yaml", "data/budget/budget-2026.yaml", "data/outcomes/tertial2-2026.yaml",
                  "data/budget/budget-2025.yaml", "data/outcomes/tertial2-2025.yaml"]),
}
LONG = int(os.environ.get("RAPPORT_FUZZ_EXAMPLES", "0"))
# RAPPORT_FUZZ_PROJECT=sjovalla: mutate one example only (Sjövalla holds the goal hierarchy,
# the comparison report, ledger metrics, margins and judged statuses).
ONLY = [p for p in os.environ.get("RAPPORT_FUZZ_PROJECT", "").split(",") if p]
EXAMPLES = LONG or 8

# Texts that reach the text language, the Markdown reader and the converters.
TRICKY = [
    "{{ uppfyllda('vard_for_alla') }} av {{ antal('vard_for_alla') }}", "{{ antal(omrade='finns_inte') }}",
    "{{ belopp('hsn', 'avvikelse') }}", "{{ belopp('finns_inte', 'utfall') }}", "{{ procent(1/0) }}",
    "{{ procent('x') }}", "{{ delvis(kategori=3) }}", "{{ 1/0 }}", "{{ x }}", "{{", "}}", "{% if %}", "{% for i in range(3) %}{{ i }}{% endfor %}",
    "{{ ''.__class__.__mro__ }}", "{{ 'x' * 50 }}", "{{ range(10)|list }}", "{# kommentar #}", "{% raw %}{{{% endraw %}",
    "# Rubrik", "######## djup", "![bild](/etc/passwd)", "![x](http://example.invalid/x.png)", "[länk](javascript:x)",
    "```{=typst}\n#panic()\n```", "`<w:p/>`{=openxml}", "<b>fet</b>", "$x^2$", "@ref", "\\", "*", "**", "_", "|",
    "| a | b |\n|---|---|\n| 1 | 2 |", "- punkt\n- punkt", "::: {.div}\ntext\n:::", "[^1]\n\n[^1]: not", "<!-- x -->",
    "\u00a0", "−1 956", "87,6 %", "", " ", "\n\n", "x" * 300,
    # column headers' placeholders are not Python format strings; control characters
    "{ar.__class__}", "{0}", "{ar!r}", "{ar:>99999999}", "{ar:{ar}}", "{period_kort} {fg_ar}", "x\u0007", "\u202e",
]
KEY_WORDS = ["utfall", "budget", "namn", "summa", "varav", "tryckt", "kontroll", "mal", "enhet", "kommentar",
             "rader", "typ", "sektioner", "rubrik", "hsn", "x", "", "utfal", "Utfall", "1", "ar", "period",
             # the fields of goal hierarchies, the comparison report, statutory reports and column shapes
             "jamforelse", "berakning", "post", "kolumn", "faktor", "andel", "bedomd_status", "skal", "marginal",
             "marginaler", "information", "framgangsfaktorer", "uppdragskolumner", "omraden", "tryckt_avviker",
             "saknas", "plustecken", "format", "lagstadgad", "lagkrav", "tertial2-2025", "tertial2-2026"]

text = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
                 st.tuples(st.sampled_from(TRICKY), st.sampled_from(TRICKY)).map(" ".join))
HUGE = "RAPPORT_FUZZ_HUGE"  # becomes a 5 000-digit integer in the file (too long for Python's int repr)
numbers = st.one_of(st.integers(-10**6, 10**6), st.integers(), st.sampled_from([10**40, -10**40, HUGE]),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0, -0.0, 0.5, 1e30, -1e-30]),
                    # figures written as text: pydantic's lax mode once read "1e300" and "inf" as floats
                    st.sampled_from(["1e300", "inf", "nan", "-1e20", "1000", "1 000", "0x10"]))
scalars = st.one_of(st.none(), st.booleans(), numbers, text, st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
values = st.recursive(scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.sampled_from(KEY_WORDS), c,
                                                                                    max_size=3), max_leaves=6)
keys = st.one_of(st.sampled_from(KEY_WORDS), st.text(max_size=12), st.integers(-3, 3))


def _load(project: str) -> dict:
    root, files = PROJECTS[project]
    return {f: yaml.safe_load((root / f).read_text(encoding="utf-8")) for f in files}


ORIGINALS = {p: _load(p) for p in PROJECTS}


def _texts(node, path=()) -> list[tuple]:
    """Paths of every string value (names, comments, assessments, captions)."""
    if isinstance(node, dict):
        return [t for k, v in node.items() for t in _texts(v, (*path, k))]
    if isinstance(node, list):
        return [t for i, v in enumerate(node) for t in _texts(v, (*path, i))]
    return [path] if isinstance(node, str) and path else []


# Replacing a text keeps every sum intact, so these cases reach the renderer and the build.
TEXTS = {p: {f: _texts(d) for f, d in files.items()} for p, files in ORIGINALS.items()}


class Case(tuple):
    """(project, {file: data}, [what was mutated]); shown as the mutations alone, not the
    whole files, when Hypothesis reports a failing case."""

    def __new__(cls, project: str, data: dict, done: list):
        return super().__new__(cls, (project, data, done))

    def __repr__(self) -> str:
        return f"Case({self[0]!r}, {'; '.join(self[2]) or 'oförändrad'!r})"


@st.composite
def mutated(draw):
    """A Case: one example project with one to four mutations."""
    project = draw(st.sampled_from(ONLY or sorted(PROJECTS)))
    data = copy.deepcopy(ORIGINALS[project])
    done = []
    for _ in range(draw(st.integers(1, 4))):
        name = draw(st.sampled_from(sorted(data)))
        if draw(st.booleans()):  # half the mutations: a text replaced by Jinja, Markdown or noise
            where = draw(st.sampled_from(TEXTS[project][name]))
            node = data[name]
            try:
                for k in where[:-1]:
                    node = node[k]
                node[where[-1]] = draw(text)
            except (KeyError, IndexError, TypeError):  # moved by an earlier mutation
                continue
            done.append(f"{name}: {'.'.join(map(str, where))} = {node[where[-1]]!r}"[:300])
            continue
        parent, key, node = None, None, data[name]
        # Walk down: the example files nest about eight levels.
        for _ in range(draw(st.integers(0, 8))):
            if isinstance(node, dict) and node:
                k = draw(st.sampled_from(list(node)))
            elif isinstance(node, list) and node:
                k = draw(st.integers(0, len(node) - 1))
            else:
                break
            parent, key, node = node, k, node[k]
        op = draw(st.sampled_from(["value", "text", "number", "delete", "rename", "add"]))
        if parent is None or op == "add":
            if isinstance(node, dict):
                k, v = draw(keys), draw(values)
                node[k] = v
                done.append(f"{name}: {k!r} lades till = {v!r}")
            continue
        if op == "delete":
            del parent[key]
            done.append(f"{name}: {key!r} borttagen")
        elif op == "rename" and isinstance(parent, dict):
            new = draw(keys)
            parent[new] = parent.pop(key)
            done.append(f"{name}: {key!r} -> nyckel {new!r}")
        else:
            parent[key] = draw({"value": values, "text": text, "number": numbers}.get(op, values))
            done.append(f"{name}: {key!r} = {parent[key]!r}"[:300])
    return Case(project, data, done)


def _dump(data) -> str | None:
    try:
        text_ = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError):
        return None
    return text_.replace(HUGE, "9" * 5000)


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict:
    """A writable copy of each example project, reused by every case (files rewritten per case)."""
    out = {}
    for name, (root, _) in PROJECTS.items():
        dst = tmp_path_factory.mktemp("fuzz") / name
        dst.mkdir()
        shutil.copy(root / "organisation.yaml", dst / "organisation.yaml")
        shutil.copytree(root / "data", dst / "data")
        if (root / "templates").is_dir():
            shutil.copytree(root / "templates", dst / "templates")
        out[name] = dst
    return out


def _settings():
    common = dict(deadline=None, database=None, print_blob=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                         HealthCheck.data_too_large])
    if LONG:
        return settings(max_examples=LONG, **common)
    return settings(max_examples=EXAMPLES, derandomize=True, **common)


def _log(project: str, check: int, build: int | None, done: list) -> None:
    """With RAPPORT_FUZZ_LOG=file: one line per case (project, check's and build's exit
    codes, the mutations), for counting what a long run did (docs/fuzzing.md)."""
    path = os.environ.get("RAPPORT_FUZZ_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{project}\tcheck={check}\tbuild={build}\t{'; '.join(done)[:500]!r}\n")


def _run(args: list[str]):
    r = CliRunner().invoke(main, args)
    crashed = r.exception is not None and not isinstance(r.exception, SystemExit)
    return r, crashed


def _fuzz(copies, case, expect_clean: bool = False):
    project, data, done = case
    root = copies[project]
    for f, content in data.items():
        text_ = _dump(content)
        if text_ is None:
            return
        (root / f).write_text(text_, encoding="utf-8")
    shutil.rmtree(root / "out", ignore_errors=True)
    try:
        r, crashed = _run(["check", "--all", "--no-cache", "--format", "json", "--project", str(root)])
        where = f"{project}: " + ("; ".join(done) or "oförändrad")
        assert not crashed, f"check kraschade ({where}): {r.exception!r}"
        assert r.exit_code in (0, 1), f"check gav {r.exit_code} ({where}):\n{r.output[-2000:]}"
        assert "Traceback" not in r.output and "Internt fel" not in r.output, where
        assert r.exit_code == 0 or not expect_clean, r.output
        if r.exit_code == 0:
            b, crashed = _run(["build", "--all", "--force", "--format", "md", "-j", "1", "--project", str(root)])
            assert not crashed, f"build kraschade ({where}): {b.exception!r}"
            assert b.exit_code == 0, f"check var ren men build gav {b.exit_code} ({where}):\n{b.output[-2000:]}"
        _log(project, r.exit_code, b.exit_code if r.exit_code == 0 else None, done)
    finally:
        for f in data:  # the next case starts from the example itself
            shutil.copy(PROJECTS[project][0] / f, root / f)


def test_the_unmutated_examples_are_clean_after_a_round_trip(copies):
    """The base of every case: the examples, dumped as the fuzzer dumps them, check clean and build."""
    for project in PROJECTS:
        _fuzz(copies, Case(project, copy.deepcopy(ORIGINALS[project]), []), expect_clean=True)


def _mutated_examples(copies, case):
    _fuzz(copies, case)


_test = given(case=mutated())(_mutated_examples)
if os.environ.get("RAPPORT_FUZZ_SEED"):
    _test = seed(int(os.environ["RAPPORT_FUZZ_SEED"]))(_test)
test_mutated_examples_never_crash_check_and_clean_ones_build = _settings()(_test)
