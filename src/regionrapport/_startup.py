"""Start-up and exit tricks of the console script `rapport`, and of nothing else.

`cli.entry` (the console script) calls `prepare()` first and `leave(code)` last;
importing the package or calling `cli.main` (CliRunner tests, other programs)
runs with none of these. Each trick is here, with its reason:

1. The pydantic plugin loader is stubbed (`skip_pydantic_plugin_discovery`).
   pydantic looks for plugins (validation hooks such as logfire's) in the entry
   points of every installed distribution when it builds its first validator.
   regionrapport's models use none, and the looking costs twice: the scan
   (~20 ms), which PYDANTIC_DISABLE_PLUGINS turns off, and `importlib.metadata`
   itself (~20 ms of imports: email, zipfile, csv ...), which its loader module
   imports at the top even when plugins are off. Both were a tenth of `rapport
   check` (docs/performance.md). Unless the environment names plugins of its
   own, the loader module is replaced by one whose `get_plugins()` finds none;
   anything else asked of it loads the real module, so the worst a change in
   pydantic can do is cost the time again.
2. The cyclic garbage collector is off for the command (`prepare`). One command
   is a short run on bounded input (2 MB a file) that makes almost nothing
   cyclic; reference counting frees it. The collector would instead walk the
   growing heap of YAML nodes, source-map entries and models again and again:
   half of a check of the 100x synthetic organisation (docs/performance.md).
3. The process leaves through `os._exit` (`leave`). When a command has ended,
   everything it wrote is closed (outputs and stamps are written with `with` and
   moved into place, pandoc and the worker processes have been waited for); what
   remains is the interpreter freeing every module and object one by one, ~20 ms
   of a 0.16 s check, for memory the operating system takes back at once. The
   streams are flushed first. Switched off by RAPPORT_FAST_EXIT=0 and whenever
   coverage is measuring (it writes its data at interpreter exit).
"""
from __future__ import annotations

import gc
import os
import sys
import types
from typing import NoReturn

LOADER = "pydantic.plugin._loader"


class _NoPluginLoader(types.ModuleType):
    @staticmethod
    def get_plugins() -> tuple:
        return ()

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):  # the import system probing (__path__ ...): a plain module has none
            raise AttributeError(name)
        # Something else is wanted: put the real module in the stub's place for good.
        import importlib

        if sys.modules.get(LOADER) is self:
            del sys.modules[LOADER]
        return getattr(importlib.import_module(LOADER), name)


def skip_pydantic_plugin_discovery() -> None:
    """Costs nothing and imports nothing: pydantic finds the stub when it first looks."""
    if os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__") != "__all__":
        return  # the environment chose its plugins: pydantic's own loader decides
    sys.modules.setdefault(LOADER, _NoPluginLoader(LOADER))


def prepare() -> None:
    """Before the command: tricks 1 and 2."""
    skip_pydantic_plugin_discovery()
    gc.disable()


def fast_exit_allowed() -> bool:
    return os.environ.get("RAPPORT_FAST_EXIT", "1") != "0" and "coverage" not in sys.modules


def leave(code: int) -> NoReturn:
    """After the command: flush, then trick 3 (or an ordinary exit where it is switched off)."""
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 - contextlib is one import more on the fast path
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`rapport check | head`): nothing more to say
            pass
    if fast_exit_allowed():
        os._exit(code)
    gc.enable()
    sys.exit(code)
