"""Imports run one way: cli -> commands -> project -> {checks, render, importing} -> {load, compute} -> the base.

Every import of the package's own modules, at the top of a file or inside a
function (a lazy import is still a dependency), is read with `ast` and checked
against the layer order below, and the graph of modules must have no cycle.
A module may import from its own layer's package or from a lower layer; a
sibling package on the same layer (checks and render, load and compute) is out
of bounds, so that each can change without the other.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "regionrapport"

# Lower number = lower layer. The key is the first part of the module's name inside the package.
LAYERS = {
    "__init__": 0, "diagnostics": 0, "model": 0, "numbers": 0, "constants": 0, "paths": 0, "headers": 0,
    "fingerprint": 1, "style": 1, "_startup": 1,
    "load": 2, "compute": 2,
    "checks": 3, "render": 3, "importing": 3,
    "project": 4,
    "commands": 5,
    "cli": 6,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1] or ["__init__"]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str:
    """The module itself when it exists, else the package whose attribute it is."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or "__init__"


def imports_of(mod: str, path: Path, known: dict[str, Path], source: str | None = None) -> set[str]:
    """The package's own modules that `mod` imports (anywhere in the file)."""
    is_package = path.name == "__init__.py"
    here = [] if mod == "__init__" else mod.split(".")
    package = here if is_package else here[:-1]
    source = path.read_text(encoding="utf-8") if source is None else source
    found = set()
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if not (node.module or "").startswith("regionrapport"):
                    continue
                base = (node.module or "").split(".")[1:]
            else:
                base = package[: len(package) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            for alias in node.names:
                found.add(_resolve(".".join([*base, alias.name]), known))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("regionrapport"):
                    found.add(_resolve(".".join(alias.name.split(".")[1:]), known))
    found.discard(mod)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {m: imports_of(m, p, known) for m, p in known.items()}


def layer(mod: str) -> int:
    return LAYERS[mod.split(".")[0]]


def upward_imports(g: dict[str, set[str]]) -> list[str]:
    bad = []
    for mod, deps in sorted(g.items()):
        for dep in sorted(deps):
            top, dep_top = mod.split(".")[0], dep.split(".")[0]
            if dep_top == "__init__" or top == dep_top:
                continue
            if layer(dep) >= layer(mod):
                bad.append(f"{mod} (layer {layer(mod)}) imports {dep} (layer {layer(dep)})")
    return bad


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_every_module_has_a_layer():
    missing = sorted({m.split(".")[0] for m in modules()} - set(LAYERS))
    assert not missing, f"give these a place in LAYERS: {missing}"


def test_imports_run_downwards():
    assert upward_imports(graph()) == []


def test_no_import_cycle():
    assert cycles(graph()) == []


@pytest.mark.parametrize("source, where", [
    ("from ..commands import build\n", "render/x.py"),
    ("def f():\n    from ..commands.cache import stamp_path\n", "render/x.py"),
    ("from ..render.pandoc import Style\n", "checks/x.py"),
    ("import regionrapport.cli\n", "compute/x.py"),
])
def test_an_upward_import_is_caught(source, where):
    g = graph()
    mod = where[:-3].replace("/", ".")
    g[mod] = imports_of(mod, PACKAGE / where, modules(), source)
    assert upward_imports(g), f"{source!r} in {where} was not reported"


def test_a_cycle_is_caught():
    g = graph()
    g["compute.goals"] = g["compute.goals"] | {"compute.ledger"}
    g["compute.ledger"] = g["compute.ledger"] | {"compute.goals"}
    assert ["compute.goals", "compute.ledger"] in cycles(g)


def test_readme_layout_names_every_module():
    """README's Layout section lists every top-level module and package (and its layer order)."""
    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    layout = layout[: layout.index("\n## ")] if "\n## " in layout else layout
    tops = {p.name for p in PACKAGE.iterdir() if (p.suffix == ".py" and p.name != "__init__.py")
            or (p.is_dir() and not p.name.startswith("__"))}
    missing = sorted(t for t in tops if t.removesuffix(".py") + ("/" if not t.endswith(".py") else ".py") not in layout)
    assert not missing, f"README's Layout section does not name {missing}"
    for sub in ("commands", "render", "compute"):
        for f in (PACKAGE / sub).glob("*.py"):
            if f.name not in ("__init__.py", "__main__.py"):
                assert f.name in layout, f"README's Layout section does not name {sub}/{f.name}"
