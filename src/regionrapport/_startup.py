"""What the CLI sets before anything imports pydantic.

pydantic looks for plugins (validation hooks such as logfire's) in the entry points
of every installed distribution when it builds its first validator. regionrapport's
models use none, and the looking costs twice: the scan (~20 ms), which
PYDANTIC_DISABLE_PLUGINS turns off, and `importlib.metadata` itself (~20 ms of
imports: email, zipfile, csv ...), which its loader module imports at the top even
when plugins are off. Both were a tenth of `rapport check` and sat on the build's
critical path (docs/performance.md).

So, unless the environment names plugins of its own, the loader module is replaced
by one whose `get_plugins()` finds none. Anything else asked of it (a future pydantic
may import more from there) loads the real module, so the worst a change in pydantic
can do is cost the time again.
"""
from __future__ import annotations

import os
import sys
import types

LOADER = "pydantic.plugin._loader"


class _NoPluginLoader(types.ModuleType):
    @staticmethod
    def get_plugins():
        return ()

    def __getattr__(self, name: str):
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
