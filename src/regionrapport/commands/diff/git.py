"""Git access for `rapport diff`: which revisions, and each revision's data written to a folder.

Revisions are read with git: `git ls-tree` + `git cat-file --batch` write the
revision's organisation.yaml and data/ into a temporary folder (one process
each, whatever the number of files). The working tree is read in place, so
uncommitted and untracked changes count.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ...diagnostics import UsageProblem


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True)
    except FileNotFoundError as e:
        raise UsageProblem("git finns inte installerat.", "rapport diff jämför git-versioner; installera git.") from e


def _git_out(args: list[str], cwd: Path) -> str | None:
    r = _git(args, cwd)
    return r.stdout.decode("utf-8", "replace").strip() if r.returncode == 0 else None


@dataclass
class Repo:
    root: Path  # the project folder (organisation.yaml)
    top: Path  # the git work tree's top
    prefix: str  # the project folder relative to top, '' or 'sub/dir/'

    @classmethod
    def at(cls, root: Path) -> Repo:
        top = _git_out(["rev-parse", "--show-toplevel"], root)
        if not top:
            raise UsageProblem(f"{root} ligger inte i ett git-arkiv.",
                               "rapport diff jämför två git-versioner av data; kör 'git init' och checka in, "
                               "eller använd 'rapport check'.")
        prefix = _git_out(["rev-parse", "--show-prefix"], root) or ""
        return cls(root, Path(top), prefix)

    def commit(self, rev: str) -> str | None:
        return _git_out(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], self.root)

    def resolve(self, rev: str) -> str:
        """The full sha of a revision (split_args took only ones that resolve)."""
        sha = self.commit(rev)
        if sha is None:
            raise UsageProblem(f"Versionen '{rev}' finns inte i git-arkivet.", "Ange en gren, en tagg eller en incheckning.")
        return sha

    def short(self, sha: str) -> str:
        return _git_out(["rev-parse", "--short", sha], self.root) or sha[:7]

    def main_branch(self, base: str | None) -> str | None:
        if base:
            if not self.commit(base):
                raise UsageProblem(f"Hittar ingen gren eller version '{base}'.",
                                   "Ange huvudgrenen med --base, t.ex. --base origin/main.")
            return base
        head = _git_out(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], self.root)
        for cand in ([head] if head else []) + ["main", "master", "origin/main", "origin/master"]:
            if self.commit(cand):
                return cand
        return None

    def default_base(self, base: str | None) -> tuple[str, str]:
        """(sha, label) of the merge-base of HEAD with the main branch."""
        head = self.commit("HEAD")
        if not head:
            raise UsageProblem("Git-arkivet har inga incheckningar ännu.",
                               "Checka in en första version; rapport diff jämför sedan ändringarna mot den.")
        branch = self.main_branch(base)
        if branch is None:
            return head, "HEAD"
        mb = _git_out(["merge-base", "HEAD", branch], self.root)
        if not mb:
            raise UsageProblem(f"HEAD och {branch} har ingen gemensam historik.", "Ange versionerna uttryckligen: rapport diff A B.")
        return mb, f"merge-base med {branch}"

    def export(self, sha: str, dest: Path) -> bool:
        """Write the revision's organisation.yaml and data/ under dest. False when the project is not there."""
        paths = [self.prefix + "organisation.yaml", self.prefix + "data"]
        r = _git(["ls-tree", "-r", "-z", "--name-only", sha, "--", *paths], self.top)
        if r.returncode != 0:
            raise UsageProblem(f"git ls-tree misslyckades för {sha[:7]}: {r.stderr.decode(errors='replace').strip()}")
        names = [n for n in r.stdout.decode("utf-8").split("\0") if n]
        if self.prefix + "organisation.yaml" not in names:
            return False
        batch = _git(["cat-file", "--batch"], self.top, "".join(f"{sha}:{n}\n" for n in names).encode("utf-8"))
        data, pos = batch.stdout, 0
        for n in names:
            nl = data.index(b"\n", pos)
            header = data[pos:nl].split()
            if len(header) < 3 or header[1] != b"blob":
                raise UsageProblem(f"Kunde inte läsa {n} i {sha[:7]}.")
            size = int(header[2])
            body = data[nl + 1:nl + 1 + size]
            pos = nl + 1 + size + 1
            out = dest / n[len(self.prefix):]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(body)
        return True


def split_args(repo: Repo, args: list[str], known_reports: set[str]) -> tuple[list[str], list[str]]:
    """Revisions first (at most two), then report ids. A report's name wins over a branch of the same name."""
    revs: list[str] = []
    reports: list[str] = []
    for a in args:
        if not reports and len(revs) < 2 and a not in known_reports and repo.commit(a):
            revs.append(a)
        else:
            reports.append(a)
    return revs, reports
