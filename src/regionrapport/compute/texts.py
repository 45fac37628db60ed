"""The data texts' small language: Markdown with `{{ helper(...) }}` expressions.

A comment in a budget or outcomes file comes from a pull request, so it is
untrusted. Jinja is a programming language (loops, string arithmetic,
attribute access); a text needs none of that: every text in the example data
and the docs is a sentence with counts and amounts from the data, such as
`{{ uppfyllda('vard_for_alla') }} av {{ antal('vard_for_alla') }} mätetal`.
So a data text may hold only

- literal text, `{# comments #}` and `{% raw %}`;
- `{{ expression }}` and `{% if %}/{% elif %}/{% else %}`;
- expressions made of numbers, quoted text, the helpers called by name
  (keyword arguments allowed), `+ - * / // %`, comparisons (`== != < <= > >=`),
  `and`/`or`/`not` and `a if b else c`.

No loops, no `set`, no macros, no filters, no attributes or indexing, no
variables other than the helpers. Jinja's parser reads a text (so the syntax
is Jinja's), but the tree is evaluated here, node by node: no Jinja code is
generated or run for a data text, so there is no sandbox to escape. With no
loops the work is linear in the text's length; what is left is bounded here:
arithmetic takes numbers only (no `'x' * 10**10`), every result is at most
MAX_NUMBER in size, expressions nest at most MAX_DEPTH levels and the rendered
text is stopped past MAX_OUTPUT characters. The templates in templates/ are
the project's own code and keep the whole of Jinja.
"""
from __future__ import annotations

import difflib
import functools
import operator

from jinja2 import Environment, TemplateSyntaxError, nodes

from ..numbers import DASH, fmt_metric, fmt_number, fmt_percent
from . import goals as G

MAX_OUTPUT = 100_000  # characters one rendered text may have (the longest example text has ~1 500)
MAX_NUMBER = 10 ** 15  # the size of any number a text computes (as load.MAX_NUMBER for the data)
MAX_DEPTH = 50  # nesting of a text's tree (parentheses, if inside if); real texts nest about 5

_ALLOWED = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Const, nodes.Name, nodes.Call, nodes.Keyword,
            nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Neg, nodes.Pos,
            nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.CondExpr, nodes.If)
_WORDS = {nodes.For: "loopar ({% for %})", nodes.Assign: "{% set %}", nodes.AssignBlock: "{% set %}",
          nodes.Macro: "makron", nodes.CallBlock: "{% call %}", nodes.FilterBlock: "{% filter %}",
          nodes.Filter: "filter (|)", nodes.Test: "tester (is)", nodes.Getattr: "attribut (.)",
          nodes.Getitem: "indexering ([])", nodes.Pow: "potenser (**)", nodes.Concat: "sammanfogning (~)",
          nodes.List: "listor", nodes.Tuple: "tupler", nodes.Dict: "mappningar", nodes.Include: "include",
          nodes.Import: "import", nodes.FromImport: "import", nodes.Extends: "extends", nodes.Block: "block",
          nodes.With: "{% with %}", nodes.Slice: "utsnitt"}
_ARITH = {"add": ("+", operator.add), "sub": ("-", operator.sub), "mul": ("*", operator.mul),
          "div": ("/", operator.truediv), "floordiv": ("//", operator.floordiv), "mod": ("%", operator.mod)}
_COMPARE = {"eq": operator.eq, "ne": operator.ne, "gt": operator.gt, "gteq": operator.ge, "lt": operator.lt,
            "lteq": operator.le}
_LANGUAGE = "En text får bara innehålla hjälpfunktioner, tal, räknesätt, jämförelser och {% if %}; se docs/security.md."

_ENV = Environment(autoescape=False)  # parses only; its defaults are those the texts were always read with


def is_template(source: str) -> bool:
    """Whether a text uses the text language at all (else it is shown as it stands)."""
    return "{{" in source or "{%" in source


class TextError(Exception):
    """A data text that cannot be rendered: the message names what, `line` is the line
    within the text (1-based), `hint` says what to do, `code` is the rule."""

    def __init__(self, message: str, line: int = 0, hint: str = "", code: str = "RR622"):
        super().__init__(message)
        self.message, self.line, self.hint, self.code = message, line, hint, code


def compile_text(source: str, helpers) -> nodes.Template:
    """Parse a data text and refuse what the language does not allow (module doc).
    Raises TextError with the line within the text.

    Remembered by the text and the helpers' names (all the tree depends on; the
    evaluation below only reads the tree), so a long-running `rapport preview`
    parses only the texts that changed. Bounded: at most COMPILED texts of at most
    COMPILED_CHARS characters each (a longer one is parsed every time), and a text
    that is refused is not remembered."""
    names = tuple(sorted(helpers))
    if len(source) > COMPILED_CHARS:
        return _compile.__wrapped__(source, names)
    return _compile(source, names)


COMPILED = 1024  # texts remembered; the example has 44, the largest data set a few hundred
COMPILED_CHARS = 10_000  # the longest text of the example has about 1 500


@functools.lru_cache(maxsize=COMPILED)
def _compile(source: str, names: tuple[str, ...]) -> nodes.Template:
    helpers = frozenset(names)
    try:
        tree = _ENV.parse(source)
    except RecursionError:  # Jinja's parser recurses once per nesting level
        raise TextError("Uttrycket är nästlat för djupt.", 1, "Dela upp uttrycket.") from None
    except TemplateSyntaxError as e:
        raise TextError(f"Syntaxfel i texten: {(e.message or '').rstrip('.')}.", e.lineno or 1,
                        "Skriv hjälpfunktioner som {{ uppfyllda('mal_id') }}; {{ och }} måste stängas.") from None
    stack: list[tuple[nodes.Node, int]] = [(tree, 1)]
    while stack:  # without recursion: the depth is what is being checked
        node, depth = stack.pop()
        line = getattr(node, "lineno", 1) or 1
        if depth > MAX_DEPTH:
            raise TextError(f"Uttrycket är nästlat djupare än {MAX_DEPTH} nivåer.", line, "Dela upp uttrycket.")
        if not isinstance(node, _ALLOWED):
            raise TextError(f"{_WORDS.get(type(node), type(node).__name__)} används inte i datatexter.", line, _LANGUAGE)
        if isinstance(node, nodes.Name) and node.name not in helpers:
            close = difflib.get_close_matches(node.name, sorted(helpers), n=1, cutoff=0.6)
            raise TextError(f"Okänt namn '{node.name}' i texten.", line,
                            (f"Menade du '{close[0]}'? " if close else "")
                            + "Hjälpfunktioner: " + ", ".join(sorted(helpers)) + ".", code="RR623")
        if isinstance(node, nodes.Call) and (not isinstance(node.node, nodes.Name)
                                             or node.dyn_args is not None or node.dyn_kwargs is not None):
            raise TextError("Bara hjälpfunktionerna kan anropas, med namn.", line, "Skriv t.ex. {{ antal(omrade='vard') }}.")
        if isinstance(node, nodes.Operand) and node.op not in _COMPARE:
            raise TextError(f"Jämförelsen '{node.op}' används inte i datatexter.", line, _LANGUAGE)
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())
    return tree


def render_text(tree: nodes.Template, helpers: dict) -> str:
    """Evaluate a compiled data text with the helpers, bounding its output."""
    out = _Output()
    try:
        for node in tree.body:
            _run(node, helpers, out)
    except TextError as e:
        e.line = e.line or out.line
        raise
    except ZeroDivisionError:
        raise TextError("Division med noll.", out.line, "Kontrollera nämnaren.") from None
    except TypeError as e:  # a wrong argument to a helper, or a comparison of text with a number
        raise TextError(f"Fel argument eller typ ({str(e).replace('TextHelpers.', '')}).", out.line,
                        "Hjälpfunktionerna tar ett mål-id, eller omrade=/kategori=; belopp tar post och kolumn.") from None
    except (ValueError, ArithmeticError) as e:
        raise TextError(f"Texten kan inte räknas ut: {e}.", out.line) from None
    return "".join(out.parts)


class _Output:
    def __init__(self):
        self.parts: list[str] = []
        self.size = 0
        self.line = 1  # the line of the node being evaluated, for an error's location

    def add(self, piece: str) -> None:
        self.size += len(piece)
        if self.size > MAX_OUTPUT:
            raise TextError(f"Texten blir längre än {MAX_OUTPUT} tecken.", self.line, "Korta texten.", code="RR624")
        self.parts.append(piece)


def _run(node, helpers: dict, out: _Output) -> None:
    """A statement: literal text and expressions (Output) or an if."""
    out.line = node.lineno or out.line
    if isinstance(node, nodes.Output):
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                out.add(child.data)
            else:
                out.line = child.lineno or out.line
                value = _eval(child, helpers)
                out.add("" if value is None else str(value))
    elif isinstance(node, nodes.If):
        branches = [node, *node.elif_]
        for branch in branches:
            out.line = branch.lineno or out.line
            if _eval(branch.test, helpers):
                for stmt in branch.body:
                    _run(stmt, helpers, out)
                return
        for stmt in node.else_:
            _run(stmt, helpers, out)


def _call(node: nodes.Call, helpers: dict):
    args = [_eval(a, helpers) for a in node.args]
    kwargs = {k.key: _eval(k.value, helpers) for k in node.kwargs}
    callee = node.node
    assert isinstance(callee, nodes.Name)  # compile_text refused every other callee
    return helpers[callee.name](*args, **kwargs)


def _arithmetic(node: nodes.BinExpr, helpers: dict):
    sign, op = _ARITH[type(node).__name__.lower()]
    left, right = _eval(node.left, helpers), _eval(node.right, helpers)
    if not (_number(left) and _number(right)):
        raise TextError(f"'{sign}' räknar bara med tal, inte med {_kind(left)} och {_kind(right)}.",
                        hint="Räkna med hjälpfunktionernas tal, t.ex. {{ uppfyllda('x') + delvis('x') }}.")
    return _bounded(op(left, right))


def _eval(node, helpers: dict):
    """An expression (compile_text has refused every other kind and bounded the depth)."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.Call):
        return _call(node, helpers)
    if isinstance(node, nodes.Name):
        raise TextError(f"'{node.name}' är en hjälpfunktion och skrivs med parenteser: {node.name}(...).",
                        hint="Skriv t.ex. {{ antal() }}.")
    if isinstance(node, nodes.BinExpr):
        return _arithmetic(node, helpers)
    if isinstance(node, (nodes.Neg, nodes.Pos)):
        value = _eval(node.node, helpers)
        if not _number(value):
            raise TextError(f"Tecknet framför {_kind(value)} räknar bara med tal.")
        return -value if isinstance(node, nodes.Neg) else value
    if isinstance(node, nodes.Not):
        return not _eval(node.node, helpers)
    if isinstance(node, nodes.And):
        return _eval(node.left, helpers) and _eval(node.right, helpers)
    if isinstance(node, nodes.Or):
        return _eval(node.left, helpers) or _eval(node.right, helpers)
    if isinstance(node, nodes.CondExpr):
        if _eval(node.test, helpers):
            return _eval(node.expr1, helpers)
        return _eval(node.expr2, helpers) if node.expr2 is not None else ""
    if isinstance(node, nodes.Compare):
        left = _eval(node.expr, helpers)
        for operand in node.ops:
            right = _eval(operand.expr, helpers)
            if not _COMPARE[operand.op](left, right):
                return False
            left = right
        return True
    raise TextError(f"{type(node).__name__} används inte i datatexter.", hint=_LANGUAGE)  # pragma: no cover


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _kind(x) -> str:
    return "tal" if _number(x) else "text" if isinstance(x, str) else type(x).__name__


def _bounded(x):
    if not (-MAX_NUMBER <= x <= MAX_NUMBER):
        raise TextError("Talet som texten räknar fram är för stort (gränsen är 10^15).")
    return x


def _unknown(word: str, value, known) -> TextError:
    close = difflib.get_close_matches(str(value), sorted(known), n=1, cutoff=0.6) if isinstance(value, str) else []
    listed = sorted(known)
    adjective = "Okänd" if word in ("kategori", "post", "kolumn") else "Okänt"
    return TextError(f"{adjective} {word} '{value}' i hjälpfunktionen.", code="RR623",
                     hint=(f"Menade du '{close[0]}'? " if close else "")
                     + (f"Giltiga: {', '.join(listed[:12])}{' …' if len(listed) > 12 else ''}." if listed else ""))


class TextHelpers:
    """The helpers a data text may call, over one report, and the rendering of its texts.
    Used by the Markdown context (render/context.py) and by `rapport check` (checks/texts.py)
    alike, so the check renders every text exactly as the build will."""

    def __init__(self, report, statuses=None):
        self.r = report
        self._counts: dict = {}
        self._statuses = statuses or self._own_statuses
        self._results = None
        self._compiled: dict = {}
        self._rendering = False

    def _own_statuses(self, mal=None, omrade=None, kategori=None) -> G.StatusCounts:
        key = (mal, omrade, kategori)
        if key not in self._counts:
            if self._results is None:
                self._results = G.evaluate(self.r)
            self._counts[key] = G.count(self._results, goal=mal, area=omrade, category=kategori)
        return self._counts[key]

    def _known(self, mal, omrade, kategori) -> None:
        for word, value, known in (("mål", mal, self.r.budget.mal), ("område", omrade, self._areas()),
                                   ("kategori", kategori, ("verksamhet", "finansiell"))):
            if value is not None and (not isinstance(value, str) or value not in known):
                raise _unknown(word, value, known)

    def _areas(self) -> set:
        return set(self.r.org.omraden) | {g.omrade for g in self.r.budget.mal.values() if g.omrade is not None}

    def _count(self, field: str, mal, omrade, kategori) -> int:
        self._known(mal, omrade, kategori)
        return getattr(self._statuses(mal, omrade, kategori), field)

    def uppfyllda(self, mal=None, omrade=None, kategori=None) -> int:
        return self._count("green", mal, omrade, kategori)

    def delvis(self, mal=None, omrade=None, kategori=None) -> int:
        return self._count("yellow", mal, omrade, kategori)

    def ej_uppfyllda(self, mal=None, omrade=None, kategori=None) -> int:
        return self._count("red", mal, omrade, kategori)

    def utan_utfall(self, mal=None, omrade=None, kategori=None) -> int:
        return self._count("missing", mal, omrade, kategori)

    def antal(self, mal=None, omrade=None, kategori=None) -> int:
        return self._count("total", mal, omrade, kategori)

    def belopp(self, post: str, kolumn: str = "utfall", decimaler: int | None = None) -> str:
        """An amount in running text, with the post's `decimaler` unless given (default whole units)."""
        if not isinstance(post, str) or post not in self.r.posts:
            raise _unknown("post", post, self.r.posts)
        if not isinstance(kolumn, str) or kolumn not in self.r.columns:
            raise _unknown("kolumn", kolumn, self.r.columns)
        if decimaler is None:
            decimaler = self.r.posts[post].decimaler or 0
        if isinstance(decimaler, bool) or decimaler not in (0, 1, 2, 3):
            raise TextError(f"belopp() tar 0–3 decimaler, fick {decimaler!r}.", code="RR622",
                            hint="Skriv t.ex. {{ belopp('hsn', 'utfall', 1) }}.")
        return fmt_number(self.r.ledger.value(post, kolumn), decimaler)

    def matetal(self, metric: str) -> str:
        """A metric's outcome for the period in running text, formatted as in the goal tables."""
        if self._results is None:
            self._results = G.evaluate(self.r)
        for res in self._results:
            if res.id == metric:
                return fmt_metric(res.outcome, res.unit) or DASH
        raise _unknown("mätetal", metric, [res.id for res in self._results])

    def procent(self, x, d=1) -> str:
        if isinstance(x, bool) or not isinstance(x, (int, float)) or d not in (0, 1, 2, 3):
            raise TextError(f"procent() tar ett tal och 0–3 decimaler, fick {x!r}, {d!r}.", code="RR622",
                            hint="Skriv t.ex. {{ procent(87.6) }} eller {{ procent(87.6, 0) }}.")
        return fmt_percent(x, d)

    def text(self, source: str | None, inline: bool = False) -> str:
        """Render an analyst's text: Markdown with the helpers. Raises TextError."""
        if not source:
            return ""
        if is_template(source):
            if self._rendering:
                raise TextError("En text kan inte visas medan en annan text visas.", code="RR622")
            helpers = self.helpers()
            if source not in self._compiled:
                self._compiled[source] = compile_text(source, helpers)
            self._rendering = True
            try:
                source = render_text(self._compiled[source], helpers)
            finally:
                self._rendering = False
        source = source.strip()
        if inline:
            source = " ".join(source.split())
            source = source.replace("|", "\\|")
        return source

    def helpers(self) -> dict:
        return {"uppfyllda": self.uppfyllda, "delvis": self.delvis, "ej_uppfyllda": self.ej_uppfyllda,
                "utan_utfall": self.utan_utfall, "antal": self.antal, "belopp": self.belopp,
                "matetal": self.matetal, "procent": self.procent}
