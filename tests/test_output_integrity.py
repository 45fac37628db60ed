"""The cache never lies and the outputs are replaced whole (issues 12 and 13).

- every stamp is keyed on the content read under the name the build reads, so
  re-pointing a symlinked input checks and builds afresh;
- a damaged chart-cache entry is drawn again and removed, never used;
- nothing is written through, or deleted behind, a symlink out of out/;
- out/REPORT/ is replaced as a whole or not at all, whatever fails, and leftovers of a
  killed build are removed by the next one;
- a file in the way, a full or read-only disk, a name too long: a message and exit 2;
- `build --all` loads the project once per run: an edit between two runs in one process
  shows in the second.
"""
from __future__ import annotations

import errno
import gc
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from regionrapport.cli import main
from regionrapport.commands import build_all, outdir
from regionrapport.commands.cache import Stamp, stamp_path
from quietreporter import Quiet

REPORT = "delar-mars-2025"
OUTCOMES = f"data/outcomes/{REPORT}.yaml"




def run(root: Path, *ids, formats=("md",), force=False, jobs=1) -> build_all.Summary:
    return build_all.run(root, list(ids) or [REPORT], formats, None, False, force, jobs, Quiet())


def status(summary) -> dict:
    return {o.report_id: o.status for o in summary.outcomes}


def cli(root: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--project", str(root)])


def md(root: Path) -> str:
    return (root / "out" / REPORT / f"{REPORT}.md").read_text(encoding="utf-8")


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def relink(link: Path, target: str) -> None:
    """Point link at target (relative to the link's folder), replacing what is there."""
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target)


# -- 1. symlinked inputs -------------------------------------------------------------
@pytest.fixture
def linked_report(project_copy) -> Path:
    """data/outcomes/REPORT.yaml is a link to versioner/a.yaml; b.yaml has a typo
    (an error), c.yaml one unit's outcome moved by 1 mnkr."""
    versions = project_copy / "versioner"
    versions.mkdir()
    f = project_copy / OUTCOMES
    text = f.read_text(encoding="utf-8")
    old = "  sjukhusvard:\n    utfall: -1048"
    assert old in text
    (versions / "a.yaml").write_text(text, encoding="utf-8")
    (versions / "b.yaml").write_text(text.replace(old, "  sjukhusvard:\n    utfal: -1048"), encoding="utf-8")
    (versions / "c.yaml").write_text(text.replace(old, "  sjukhusvard:\n    utfall: -1049"), encoding="utf-8")
    relink(f, "../../versioner/a.yaml")
    return project_copy


def test_repointing_a_symlinked_report_file_checks_afresh(linked_report):
    first = cli(linked_report, "check", REPORT)
    assert first.exit_code == 0, first.output
    stamp = json.loads((linked_report / "out/.rapport-cache/check" / f"{REPORT}.json").read_text(encoding="utf-8"))
    # Keyed on the name the check reads, not on the link's target.
    assert OUTCOMES in stamp["inputs"] and not any("versioner" in k for k in stamp["inputs"])
    assert "oförändrad" in cli(linked_report, "check", REPORT).stderr

    relink(linked_report / OUTCOMES, "../../versioner/b.yaml")
    broken = cli(linked_report, "check", REPORT)
    assert broken.exit_code == 1 and "RR010" in broken.stdout, broken.output
    assert "oförändrad" not in broken.stderr


def test_repointing_a_symlinked_report_file_rebuilds(linked_report):
    assert status(run(linked_report)) == {REPORT: "built"}
    assert "−1\u00a0353" in md(linked_report)
    relink(linked_report / OUTCOMES, "../../versioner/c.yaml")
    assert status(run(linked_report)) == {REPORT: "built"}
    assert "−1\u00a0354" in md(linked_report) and "−1\u00a0353" not in md(linked_report)
    assert status(run(linked_report)) == {REPORT: "skipped"}
    relink(linked_report / OUTCOMES, "../../versioner/a.yaml")  # back to the first content: built again
    assert status(run(linked_report)) == {REPORT: "built"}
    assert "−1\u00a0353" in md(linked_report)


def test_repointing_a_symlinked_template_or_organisation_rebuilds(project_copy):
    from regionrapport.render.markdown import BUILTIN_TEMPLATES

    builtin = (BUILTIN_TEMPLATES / "sektioner" / "mal.md.j2").read_text(encoding="utf-8")
    store = project_copy / "mallar"
    store.mkdir()
    (store / "v1.md.j2").write_text("MARKÖR-1\n" + builtin, encoding="utf-8")
    (store / "v2.md.j2").write_text("MARKÖR-2\n" + builtin, encoding="utf-8")
    link = project_copy / "templates" / "sektioner" / "mal.md.j2"
    link.parent.mkdir(parents=True, exist_ok=True)
    relink(link, "../../mallar/v1.md.j2")
    org = (project_copy / "organisation.yaml").read_text(encoding="utf-8")
    (store / "org-a.yaml").write_text(org, encoding="utf-8")
    (store / "org-b.yaml").write_text(org.replace("namn: Region Kronoberg", "namn: Region Länkby", 1), encoding="utf-8")
    relink(project_copy / "organisation.yaml", "mallar/org-a.yaml")

    assert status(run(project_copy)) == {REPORT: "built"}
    assert "MARKÖR-1" in md(project_copy)
    relink(link, "../../mallar/v2.md.j2")
    assert status(run(project_copy)) == {REPORT: "built"}
    assert "MARKÖR-2" in md(project_copy) and "MARKÖR-1" not in md(project_copy)
    relink(project_copy / "organisation.yaml", "mallar/org-b.yaml")
    assert status(run(project_copy)) == {REPORT: "built"}
    assert 'author: "Region Länkby"' in md(project_copy)
    assert status(run(project_copy)) == {REPORT: "skipped"}


def test_the_stamp_holds_the_digest_of_the_bytes_parsed(project_copy, monkeypatch):
    """An input edited while the build runs: the stamp describes what was parsed, so the
    next run builds the edit instead of calling it up to date."""
    import hashlib

    from regionrapport import project as P

    f = project_copy / OUTCOMES
    original = f.read_bytes()
    real = P.load_file

    def load_then_edit(path, *a, **k):
        loaded = real(path, *a, **k)
        if Path(path).name == f"{REPORT}.yaml":
            f.write_bytes(original.replace(b"    utfall: -1048", b"    utfall: -1049", 1))  # after it was read
        return loaded

    monkeypatch.setattr(P, "load_file", load_then_edit)
    assert status(run(project_copy)) == {REPORT: "built"}
    stamp = Stamp.read(stamp_path(project_copy / "out", REPORT))
    assert stamp.inputs[OUTCOMES] == hashlib.sha256(original).hexdigest()
    monkeypatch.setattr(P, "load_file", real)
    assert status(run(project_copy)) == {REPORT: "built"}
    assert "−1\u00a0354" in md(project_copy)


# -- 7. one load per run ----------------------------------------------------------------
def test_build_all_twice_in_one_process_sees_an_edited_organisation(project_copy):
    assert status(run(project_copy)) == {REPORT: "built"}
    assert 'author: "Region Kronoberg"' in md(project_copy)
    org = project_copy / "organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("namn: Region Kronoberg", "namn: Region Nyby", 1),
                   encoding="utf-8")
    assert status(run(project_copy)) == {REPORT: "built"}
    assert 'author: "Region Nyby"' in md(project_copy)
    assert status(run(project_copy)) == {REPORT: "skipped"}
    assert build_all._PROJECT is None  # nothing of the run outlives it


# -- 2, 3. the chart cache -------------------------------------------------------------------
def docx_media(root: Path) -> dict:
    """The charts inside the built DOCX (the organisation's logo in the header left out)."""
    logo = root / "data" / "bilder" / "logotyp.png"
    logo_bytes = logo.read_bytes() if logo.exists() else None
    with zipfile.ZipFile(root / "out" / REPORT / f"{REPORT}.docx") as z:
        return {n: z.read(n) for n in z.namelist()
                if n.startswith("word/media/") and n.endswith(".png") and z.read(n) != logo_bytes}


def charts(root: Path) -> list[Path]:
    return sorted((root / "out" / ".rapport-cache" / "charts").glob("*.chart"))


@pytest.fixture(scope="module")
def built_with_charts(tmp_path_factory, repo_root):
    """The example built to md+docx once, with its chart cache: copied per test."""
    import shutil

    root = tmp_path_factory.mktemp("charts") / "proj"
    root.mkdir()
    shutil.copy(repo_root / "organisation.yaml", root / "organisation.yaml")
    shutil.copytree(repo_root / "data", root / "data")
    summary = run(root, formats=("md", "docx"))
    assert status(summary) == {REPORT: "built"}, summary.outcomes
    return root


@pytest.fixture
def charted(built_with_charts, tmp_path) -> Path:
    import shutil

    dst = tmp_path / "proj"
    shutil.copytree(built_with_charts, dst, symlinks=True)
    return dst


def test_a_truncated_chart_is_drawn_again_even_with_force(charted):
    good = docx_media(charted)
    entries = charts(charted)
    assert len(entries) == len(good) == 3
    damaged = entries[0]
    damaged.write_bytes(damaged.read_bytes()[:500])
    summary = run(charted, formats=("md", "docx"), force=True)
    assert status(summary) == {REPORT: "built"}, summary.outcomes
    assert docx_media(charted) == good
    assert len(damaged.read_bytes()) > 500  # replaced by a sound entry


def test_swapped_chart_entries_never_put_the_wrong_chart_in_the_report(charted):
    good = docx_media(charted)
    a, b, c = charts(charted)
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    c.write_bytes(c.read_bytes().replace(b"IDAT", b"IDAX", 1))  # one byte of the picture changed
    assert status(run(charted, formats=("md", "docx"), force=True)) == {REPORT: "built"}
    assert docx_media(charted) == good
    assert (a.read_bytes(), b.read_bytes()) == (data_a, data_b)


def test_a_symlinked_chart_cache_is_refused_and_the_users_pictures_stay(charted, tmp_path, monkeypatch):
    from regionrapport.render import charts as C

    pictures = tmp_path / "bilder"
    pictures.mkdir()
    for i in range(5):
        (pictures / f"semester-{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes([i]) * 100)
    # The user's own picture named like an entry of the cache, to be sure nothing prunes it.
    (pictures / ("0" * 64 + ".png")).write_bytes(b"min bild")
    before = snapshot(pictures)
    cache = charted / "out" / ".rapport-cache" / "charts"
    import shutil

    shutil.rmtree(cache)
    cache.symlink_to(pictures, target_is_directory=True)
    monkeypatch.setattr(C, "CACHE_KEEP", 0)  # prune everything it may
    r = cli(charted, "build", REPORT, "--format", "md,docx", "--force")
    assert r.exit_code == 2, r.output
    assert "RR642" in r.stderr and "symbolisk länk" in r.stderr and "Traceback" not in r.output
    assert snapshot(pictures) == before
    assert cache.is_symlink()


def test_pruning_touches_only_the_caches_own_entries(tmp_path, monkeypatch):
    from regionrapport.render import charts as C

    cache = tmp_path / "charts"
    cache.mkdir()
    mine = tmp_path / "min.png"
    mine.write_bytes(b"min")
    (cache / "foto.png").write_bytes(b"foto")
    (cache / ("a" * 64 + ".chart")).symlink_to(mine)
    old = cache / ("b" * 64 + ".png")  # an unsealed entry of an earlier version
    old.write_bytes(b"\x89PNG")
    monkeypatch.setattr(C, "CACHE_KEEP", 1)
    png = C._draw_cached({"kategorier": ["A"], "serier": [{"namn": "x", "varden": [1.0]}], "enhet": "mnkr",
                          "typ": "staende"}, ["#1f4e79"], cache)
    assert png.startswith(b"\x89PNG")
    assert mine.read_bytes() == b"min" and (cache / "foto.png").exists() and not old.exists()
    assert len(list(cache.glob("*.chart"))) == 2  # the new entry and the link (not a regular file: left alone)


# -- 4. whole or not at all ----------------------------------------------------------------
@pytest.fixture
def published(charted) -> Path:
    """The charted example rebuilt with md, docx and pdf; its out/REPORT is the 'old' set."""
    assert status(run(charted, formats=("md", "docx", "pdf"), force=True)) == {REPORT: "built"}
    return charted


def edit_figure(root: Path) -> None:
    f = root / OUTCOMES
    f.write_text(f.read_text(encoding="utf-8").replace("    utfall: -1048", "    utfall: -1049", 1), encoding="utf-8")


def test_a_failing_last_move_leaves_the_old_set_whole(published, monkeypatch):
    out = published / "out" / REPORT
    old = snapshot(out)
    edit_figure(published)
    real = os.replace
    seen = []

    def replace(src, dst, *a, **k):
        seen.append(Path(dst).name)
        if str(dst).endswith(".pdf"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(outdir.os, "replace", replace)
    r = cli(published, "build", REPORT)
    assert r.exit_code == 2, r.output
    assert f"{REPORT}.md" in seen and f"{REPORT}.docx" in seen  # the md and docx had been moved
    assert "RR641" in r.stderr and "disken är full" in r.stderr and "Traceback" not in r.output
    assert snapshot(out) == old  # not one new file among the old ones
    assert not list((published / "out" / ".rapport-tmp").iterdir())
    monkeypatch.setattr(outdir.os, "replace", real)
    assert cli(published, "build", REPORT).exit_code == 0
    new = snapshot(out)
    assert set(new) == set(old) and all(new[n] != old[n] for n in new if n.endswith((".md", ".docx", ".pdf")))


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_the_set_is_swapped_whole_and_a_failed_swap_restores_it(published, monkeypatch, exchange):
    out = published / "out" / REPORT
    old = snapshot(out)
    if not exchange:
        monkeypatch.setattr(outdir, "_exchange", lambda a, b: False)
    edit_figure(published)
    real = os.rename

    def rename(src, dst, *a, **k):
        if Path(dst) == out and Path(src).name == REPORT:
            raise OSError(errno.EROFS, "Read-only file system", str(dst))
        return real(src, dst, *a, **k)

    if not exchange:
        monkeypatch.setattr(outdir.os, "rename", rename)
        r = cli(published, "build", REPORT, "--format", "md")
        assert r.exit_code == 2 and "skrivskyddat" in r.stderr, r.output
        assert snapshot(out) == old
        monkeypatch.setattr(outdir.os, "rename", real)
    r = cli(published, "build", REPORT, "--format", "md")
    assert r.exit_code == 0, r.output
    # Exactly the new set: a Markdown-only build leaves no older DOCX or PDF beside it.
    assert sorted(snapshot(out)) == [f"{REPORT}.md"]
    assert "−1\u00a0354" in md(published)


def test_a_killed_build_leaves_old_outputs_and_its_scratch_is_removed_later(published):
    out = published / "out" / REPORT
    old = snapshot(out)
    tmp = published / "out" / ".rapport-tmp"
    edit_figure(published)
    proc = subprocess.Popen([sys.executable, "-m", "regionrapport.cli", "build", REPORT, "--force"], cwd=published,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "CI": "1"})
    deadline = time.monotonic() + 60
    while not list(tmp.iterdir()) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = list(tmp.iterdir())
    assert left, "the build ended before it could be killed"
    assert snapshot(out) == old
    # A later build (of any report into this out/) removes what the killed one left.
    r = cli(published, "build", REPORT, "--format", "md")
    assert r.exit_code == 0, r.output
    assert not list(tmp.iterdir())


def test_a_running_builds_scratch_is_not_removed(tmp_path):
    tmp = tmp_path / ".rapport-tmp"
    tmp.mkdir()
    alive = tmp / f"r.{os.getppid()}.abcd1234"  # the test runner's parent: running
    alive.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "pass"])
    sleeper.wait()
    dead = tmp / f"r.{sleeper.pid}.efgh5678"
    (dead / "r").mkdir(parents=True)
    outside = tmp_path / "utanfor"
    outside.mkdir()
    (outside / "viktig.txt").write_text("kvar", encoding="utf-8")
    (dead / "r" / "lank").symlink_to(outside, target_is_directory=True)
    assert outdir.clean_leftovers(tmp) == [dead.name]
    assert alive.is_dir() and (outside / "viktig.txt").read_text(encoding="utf-8") == "kvar"


# -- 5. a file in the way, a full or read-only disk, a long name ------------------------
def test_a_file_where_the_report_folder_should_be(project_copy):
    (project_copy / "out").mkdir()
    (project_copy / "out" / REPORT).write_text("mitt", encoding="utf-8")
    r = cli(project_copy, "build", REPORT, "--format", "md")
    assert r.exit_code == 2, r.output
    assert "RR640" in r.stderr and "ingen mapp" in r.stderr and "Traceback" not in r.output
    assert (project_copy / "out" / REPORT).read_text(encoding="utf-8") == "mitt"


def test_a_symlinked_report_folder_is_refused(project_copy, tmp_path):
    elsewhere = tmp_path / "annan"
    elsewhere.mkdir()
    (elsewhere / "egen.txt").write_text("min", encoding="utf-8")
    (project_copy / "out").mkdir()
    (project_copy / "out" / REPORT).symlink_to(elsewhere, target_is_directory=True)
    r = cli(project_copy, "build", REPORT, "--format", "md")
    assert r.exit_code == 2 and "RR640" in r.stderr and "symbolisk länk" in r.stderr, r.output
    assert snapshot(elsewhere) == {"egen.txt": b"min"}


def test_an_out_option_that_is_a_file(project_copy, tmp_path):
    target = tmp_path / "fil.txt"
    target.write_text("x", encoding="utf-8")
    r = CliRunner().invoke(main, ["build", REPORT, "--format", "md", "--project", str(project_copy),
                                  "--out", str(target)])
    assert r.exit_code == 2 and "RR640" in r.stderr and "Utdatamappen" in r.stderr, r.output
    assert "Traceback" not in r.output and target.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("err,words", [(errno.ENOSPC, "disken är full"), (errno.EROFS, "skrivskyddat"),
                                       (errno.EACCES, "behörighet saknas")])
def test_a_full_or_read_only_disk(published, monkeypatch, err, words):
    out = published / "out" / REPORT
    old = snapshot(out)
    edit_figure(published)
    real = Path.write_text

    def write_text(self, *a, **k):
        if self.name == "rapport.md":
            raise OSError(err, os.strerror(err), str(self))
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "write_text", write_text)
    r = cli(published, "build", REPORT)
    assert r.exit_code == 2, r.output
    assert "RR641" in r.stderr and words in r.stderr and "Traceback" not in r.output
    assert snapshot(out) == old
    assert not list((published / "out" / ".rapport-tmp").iterdir())


def test_a_full_disk_when_the_stamp_is_written_is_not_remembered(project_copy, monkeypatch):
    from regionrapport.commands import cache

    def full(self, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(cache.Stamp, "write", full)
    assert status(run(project_copy)) == {REPORT: "built"}
    monkeypatch.undo()
    assert status(run(project_copy)) == {REPORT: "built"}  # not remembered: built again, not skipped
    assert status(run(project_copy)) == {REPORT: "skipped"}


def test_a_name_too_long_for_the_file_system(project_copy, tmp_path):
    r = CliRunner().invoke(main, ["build", REPORT, "--format", "md", "--project", str(project_copy),
                                  "--out", str(tmp_path / ("x" * 300))])
    assert r.exit_code == 2 and "RR641" in r.stderr and "för långt" in r.stderr, r.output
    assert "Traceback" not in r.output


def test_the_longest_report_id_builds(project_copy):
    """Only the final names carry the id: REPORT.yaml fits, so REPORT.docx and its stamp do,
    up to the longest id the file system allows (or the tool's own bound, if it has one)."""
    from regionrapport.model import base

    rid = "r" * min(255 - len(".yaml"), getattr(base, "MAX_NAME", 255))
    (project_copy / "data" / "outcomes" / f"{REPORT}.yaml").rename(project_copy / "data" / "outcomes" / f"{rid}.yaml")
    r = cli(project_copy, "build", rid, "--format", "md,docx")
    assert r.exit_code == 0, r.output
    assert (project_copy / "out" / rid / f"{rid}.docx").stat().st_size > 0
    assert cli(project_copy, "check", rid).exit_code == 0
    assert "oförändrad" in cli(project_copy, "check", rid).stderr


# -- 8. the collector in forked workers -----------------------------------------------------
def report_gc(root, report_id, *args):
    return build_all.Outcome(report_id, build_all.BUILT, reason=f"gc={gc.isenabled()}")


def test_forked_workers_collect_garbage(project_copy, monkeypatch):
    import shutil

    outcomes = project_copy / "data" / "outcomes"
    shutil.copy(outcomes / f"{REPORT}.yaml", outcomes / "kopia.yaml")
    monkeypatch.setattr(build_all, "build_one", report_gc)
    was = gc.isenabled()
    gc.disable()  # as the CLI runs a command (_startup.prepare)
    try:
        summary = run(project_copy, REPORT, "kopia", jobs=2)
    finally:
        if was:
            gc.enable()
    assert [o.reason for o in summary.outcomes] == ["gc=True", "gc=True"]


# -- 9. rapport new from a file that is not UTF-8 ----------------------------------------------
def test_new_from_a_file_that_is_not_utf8(project_copy):
    f = project_copy / OUTCOMES
    text = f.read_text(encoding="utf-8")
    f.write_bytes(text.encode("utf-8").replace("Hälso".encode(), "Hälso".encode("latin-1"), 1))
    line = text[:text.index("Hälso")].count("\n") + 1
    r = cli(project_copy, "new", "delar-aug-2025", "--from", REPORT)
    assert r.exit_code == 1, r.output
    assert f"{OUTCOMES}:{line}:1: RR002" in r.stderr and "Traceback" not in r.output
    assert not (project_copy / "data" / "outcomes" / "delar-aug-2025.yaml").exists()


def test_check_with_a_symlinked_cache_folder_checks_and_writes_nothing_there(project_copy, tmp_path):
    elsewhere = tmp_path / "annan"
    elsewhere.mkdir()
    (project_copy / "out").mkdir()
    (project_copy / "out" / ".rapport-cache").symlink_to(elsewhere, target_is_directory=True)
    for _ in range(2):
        r = cli(project_copy, "check", REPORT)
        assert r.exit_code == 0 and "RR642" in r.stderr and "oförändrad" not in r.stderr, r.output
    assert list(elsewhere.iterdir()) == []
