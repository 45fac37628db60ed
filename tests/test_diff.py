"""`rapport diff` on real git repositories made in temporary folders."""
from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from regionrapport.commands.diff import diff, render_markdown, render_text

REPORT = "delar-mars-2025"
OUTCOMES = Path("data/outcomes/delar-mars-2025.yaml")
BUDGET = Path("data/budget/budget-2025.yaml")
GIT_ENV = {"GIT_AUTHOR_NAME": "Analytiker", "GIT_AUTHOR_EMAIL": "a@example.se",
           "GIT_COMMITTER_NAME": "Analytiker", "GIT_COMMITTER_EMAIL": "a@example.se"}


def git(root: Path, *args: str) -> str:
    r = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def edit(root: Path, rel: Path, old: str, new: str) -> None:
    f = root / rel
    text = f.read_text(encoding="utf-8")
    assert old in text, old
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(project_copy) -> Path:
    """The example project as a git repository with one commit on 'main'."""
    git(project_copy, "init", "-q", "-b", "main")
    git(project_copy, "add", "-A")
    git(project_copy, "commit", "-q", "-m", "Kronoberg Q1")
    return project_copy


def rapport(*args, cwd: Path):
    return subprocess.run([sys.executable, "-m", "regionrapport.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "CI": "1"})


def report(res, rid=REPORT):
    return next(r for r in res.reports if r.id == rid)


def one_unit_moves(root: Path) -> None:
    # −1 049: the committee's utfall −1 354 then still gives its printed deviation 36 (−1 354 + 1 390)
    edit(root, OUTCOMES, "  sjukhusvard:\n    utfall: -1048", "  sjukhusvard:\n    utfall: -1049")


def test_uncommitted_figure_change_and_its_consequences(repo):
    one_unit_moves(repo)
    res = diff(repo, [])
    assert res.before.label == "merge-base med main" and res.after.rev is None
    r = report(res)
    assert r.state == "changed"
    assert [(c["post_name"], c["column_name"], c["before_text"], c["after_text"], c["difference"]) for c in r.figures] == \
        [("Sjukhusvård", "Utfall", "−1\u00a0048", "−1\u00a0049", "−1")]
    derived = {(c["post"], c["column"]): (c["before"], c["after"]) for c in r.derived}
    assert derived[("hsn", "utfall")] == (-1353, -1354)  # the committee is the sum of its units
    assert derived[("sjukhusvard", "avvikelse")] == (-16, -17)  # avvikelse = utfall - budget
    assert all(c["post"] != "sjukhusvard" or c["column"] != "utfall" for c in r.derived)
    assert report(res, "budget-2025").state == "unchanged"


def test_status_colour_and_comment(repo):
    edit(repo, OUTCOMES, "  besvarade_samtal:\n    utfall: 87.6", "  besvarade_samtal:\n    utfall: 95.2")
    edit(repo, OUTCOMES, "Insatser för olika behovsgrupper väntas minska", "Insatser för flera behovsgrupper har minskat")
    r = report(diff(repo, [REPORT]))
    assert [(s["id"], s["before"], s["after"]) for s in r.statuses] == [("besvarade_samtal", "gul", "gron")]
    assert [(m["field"], m["before"], m["after"]) for m in r.metrics] == [("utfall", "87,6\u00a0%", "95,2\u00a0%")]
    assert {(g["status"], g["before"] + 1 == g["after"] or g["before"] - 1 == g["after"]) for g in r.goal_summary} == \
        {("gron", True), ("gul", True)}
    (t,) = r.texts
    assert ("-", "olika") in t["words"] and ("+", "flera") in t["words"] and ("+", "har minskat") in t["words"]
    assert not r.figures and not r.derived


def test_branch_is_compared_with_its_merge_base(repo):
    git(repo, "checkout", "-q", "-b", "andring")
    one_unit_moves(repo)
    git(repo, "commit", "-q", "-am", "Sjukhusvård rättad")
    git(repo, "checkout", "-q", "main")
    edit(repo, BUDGET, "arsbudget: -5506", "arsbudget: -5505")
    git(repo, "commit", "-q", "-am", "Huvudgrenen går vidare")
    git(repo, "checkout", "-q", "andring")

    r = report(diff(repo, [REPORT]))  # merge-base: main's later change is not this branch's doing
    assert [c["post"] for c in r.figures] == ["sjukhusvard"]
    r = report(diff(repo, ["main", REPORT]))  # against main itself: both differences
    assert sorted((c["post"], c["column"]) for c in r.figures) == [("hsn", "arsbudget"), ("sjukhusvard", "utfall")]
    res = diff(repo, ["HEAD~1", "HEAD"])  # two revisions: the commit alone
    assert [c["post"] for c in report(res).figures] == ["sjukhusvard"]
    assert res.after.rev == git(repo, "rev-parse", "HEAD")


def test_added_and_removed(repo):
    edit(repo, BUDGET, "uppdrag:\n", "uppdrag:\n  nytt_uppdrag:\n    text: Utreda nya vårdplatser\n"
                                    "    perspektiv: process\n    omrade: halso_och_sjukvard\n    ansvar: [hsn]\n")
    edit(repo, BUDGET, "  rekrytering_lakare:\n    text:", "  rekrytering_av_lakare:\n    text:")
    r = report(diff(repo, [REPORT]))
    assert ("uppdrag", "nytt_uppdrag") in {(a["kind"], a["id"]) for a in r.added}
    assert ("uppdrag", "rekrytering_av_lakare") in {(a["kind"], a["id"]) for a in r.added}
    assert [(a["kind"], a["id"]) for a in r.removed] == [("uppdrag", "rekrytering_lakare")]


def test_new_report_and_project_in_a_subfolder(tmp_path, project_copy):
    root = tmp_path / "repo"
    shutil.copytree(project_copy, root / "region")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    shutil.copy(root / "region" / OUTCOMES, root / "region" / "data" / "outcomes" / "delar-kopia.yaml")
    one_unit_moves(root / "region")
    res = diff(root / "region", [])
    states = {r.id: r.state for r in res.reports}
    assert states == {"budget-2025": "unchanged", REPORT: "changed", "delar-kopia": "added"}


def test_markdown_is_a_pull_request_comment(repo):
    one_unit_moves(repo)
    md = render_markdown(diff(repo, []))
    assert md.startswith("<!-- rapport-diff -->\n")
    assert "| Sjukhusvård | Utfall | −1\u00a0048 | −1\u00a0049 | −1 |" in md
    assert "Oförändrade: budget-2025." in md
    text = render_text(diff(repo, []))
    assert "Sjukhusvård, Utfall: −1\u00a0048 → −1\u00a0049 (−1)" in text


def test_cli_formats_and_exit_codes(repo):
    one_unit_moves(repo)
    r = rapport("diff", "--format", "json", cwd=repo)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["to"]["rev"] is None
    assert [c["post"] for c in next(x for x in data["reports"] if x["id"] == REPORT)["figures"]] == ["sjukhusvard"]
    # A change that breaks a rule: still compared, and the errors named; exit 1.
    edit(repo, OUTCOMES, "  sjukhusvard:\n    utfall: -1049", "  sjukhusvard:\n    utfal: -1049")
    r = rapport("diff", cwd=repo)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "Fel i arbetskopian" in r.stdout and "RR010" in r.stdout and "utfal" in r.stdout
    assert "Sjukhusvård, Utfall: −1\u00a0048 → (ingen)" in r.stdout
    # A working tree that no longer parses: nothing to compare, the reason named.
    edit(repo, OUTCOMES, "rapport:\n", "rapport: [\n")
    r = rapport("diff", "--format", "markdown", cwd=repo)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "*Kunde inte läsas.*" in r.stdout and "RR002" in r.stdout


def test_refuses_cleanly_outside_git(project_copy):
    r = rapport("diff", cwd=project_copy)
    assert r.returncode == 2
    assert "inte i ett git-arkiv" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_unknown_report_or_revision_is_a_usage_error(repo):
    r = rapport("diff", "delar-mars-2024", cwd=repo)
    assert r.returncode == 2 and "delar-mars-2024" in r.stderr and "Traceback" not in r.stderr
    r = rapport("diff", "--base", "finns-inte", cwd=repo)
    assert r.returncode == 2 and "finns-inte" in r.stderr


# -- the Markdown is a pull-request comment: nothing from the data may shape it ---------------------
HOSTILE = ("Sjukhus|vård `kod` <img src=x onerror=alert(1)> *fet* _kursiv_ ~~struken~~ [länk](https://evil.example) "
           "@octocat fixar #123, se https://evil.example och www.evil.example \u202eESREVER")


def _assert_inert(md: str) -> None:
    """No forged block, mention, reference, link, HTML or table cell in a diff comment."""
    own_headings = {"### Vad ändringen gör med rapporterna"}
    for line in md.splitlines():
        assert not line.startswith("#") or line in own_headings or line.startswith("#### "), line
        assert not re.match(r"\s*(>|\d+[.)]\s|[-+*]\s+([-+#>]|\*\s|\d+[.)]))", line), line
    assert "@octocat" not in md and "#123" not in md, "mentions and references must be broken"
    assert "https://" not in md and "www.evil" not in md, "bare URLs must not be autolinked"
    assert not re.search(r"(?<!\\)<(img|script|b>)|(?<!\\)\]\(", md), "HTML and links only escaped"
    assert "\u202e" not in md
    for raw in ("`kod`", "*fet*", "_kursiv_", "~~struken~~"):
        assert raw not in md, raw


def test_markdown_escapes_hostile_names_and_texts(repo):
    edit(repo, BUDGET, "sjukhusvard: Sjukhusvård", f"sjukhusvard: {json.dumps(HOSTILE)}")
    one_unit_moves(repo)
    md = render_markdown(diff(repo, [REPORT]))
    _assert_inert(md)
    row = next(line for line in md.splitlines() if "Sjukhus" in line and line.startswith("|"))
    cells = re.split(r"(?<!\\)\|", row)[1:-1]
    assert len(cells) == 5, row  # the pipe in the name is a character, not a cell border
    assert "Sjukhus\\|vård" in cells[0] and "\\`kod\\`" in cells[0] and "@&#8203;octocat" in cells[0]


def test_newline_in_a_yaml_key_forges_nothing(repo):
    """A key with a line break is an unknown key (RR010), listed in the comment: on one line."""
    forged = "x\\n\\n# Rubrik\\n\\n@octocat \\u0060rm -rf\\u0060 #123\\n- [ ] https://evil.example"
    edit(repo, OUTCOMES, "  sjukhusvard:\n    utfall: -1048", f"  sjukhusvard:\n    \"{forged}\": 1\n    utfall: -1047")
    res = diff(repo, [REPORT])
    assert res.unreadable
    md = render_markdown(res)
    _assert_inert(md)
    assert "RR010" in md and "Rubrik" in md


def test_markdown_escaping_of_texts_in_word_diffs():
    from regionrapport.commands.diff import DiffResult, ReportDiff, Side, word_diff

    text = "Rad ett\n# Rubrik\n> citat\n1. lista @octocat #123 <b>html</b> `kod`"
    r = ReportDiff("r", "Titel\n# Falsk rubrik", "changed")
    r.texts.append({"where": "Text\n## inledning", "before": "", "after": text, "words": word_diff("", text)})
    r.metrics.append({"metric": "m", "name": "# Mätetal\n@octocat", "field": "utfall", "before": "1", "after": "2"})
    r.added.append({"kind": "mätetal", "id": "m2", "name": "- [x] klart"})
    md = render_markdown(DiffResult(Side("main", "a" * 40, "aaaaaaa"), Side("arbetskopian", None), [r]))
    _assert_inert(md)
    assert "- \\# Mätetal @&#8203;octocat, utfall: 1 → 2" in md
    assert "#### r: Titel # Falsk rubrik" in md


def test_text_output_keeps_one_line_per_change():
    from regionrapport.commands.diff import DiffResult, ReportDiff, Side

    r = ReportDiff("r", "Titel", "changed")
    r.metrics.append({"metric": "m", "name": "Namn\nfalsk rad \x1b[31mröd", "field": "utfall", "before": "1", "after": "2"})
    text = render_text(DiffResult(Side("main", "a" * 40, "aaaaaaa"), Side("arbetskopian", None), [r]))
    assert "\x1b" not in text
    assert "    Namn falsk rad [31mröd, utfall: 1 → 2" in text.splitlines()


def test_judged_status_and_its_reason(repo):
    # 87,6 of 95 computes yellow; the analyst judges it red, with a reason
    edit(repo, OUTCOMES, "  besvarade_samtal:\n    utfall: 87.6\n",
         "  besvarade_samtal:\n    utfall: 87.6\n    bedomd_status: rod\n    skal: Svarstiderna ökade under mars.\n")
    r = report(diff(repo, [REPORT]))
    (s,) = r.statuses
    assert (s["id"], s["before"], s["after"]) == ("besvarade_samtal", "gul", "rod")
    assert s["after_text"].endswith("(bedömd; beräknad Delvis tillfredsställande)")
    (t,) = r.texts
    assert "skäl för bedömd status" in t["where"] and ("+", "Svarstiderna ökade under mars.") in t["words"]


def test_every_character_a_terminal_message_escapes_is_dropped_from_the_comment():
    """The comment drops what diagnostics.visible shows escaped in a terminal: a unit
    separator (U+001F), the Arabic letter mark and right-to-left mark (U+061C, U+200F)
    reorder or hide text as the overrides do. A line break inside a name is a space."""
    from regionrapport.commands.diff import DiffResult, ReportDiff, Side

    r = ReportDiff("r", "Titel", "changed")
    r.metrics.append({"metric": "m", "name": "Vård\x1fkö\u200f\u061c\r\ntid", "field": "utfall", "before": "1", "after": "2"})
    md = render_markdown(DiffResult(Side("main", "a" * 40, "aaaaaaa"), Side("arbetskopian", None), [r]))
    assert "- Vårdkö tid, utfall: 1 → 2" in md
    assert not re.search("[\x1f\u061c\u200f\r]", md)
