"""`rapport preview REPORT`: the HTML page on localhost, rebuilt and updated on every save.

    browser  --GET /-------------------->  the last page (or the errors), with an update script
             --GET /sida?efter=N-------->  waits until the page is newer than N (long poll),
                                           then answers with that page (X-Rapport-Version: its number)
             --GET /version?efter=N----->  the same wait, answering with the number only
    watcher  looks at organisation.yaml, data/ and templates/ every POLL s (a stat of each
             file; the bytes too of a file changed in the last RACY_S s, so that a second
             save within one tick of the file system's clock is seen); on a change it builds
             the HTML (commands/build.build, --format html) into a private folder, swaps the
             page in and wakes the waiting browsers.

The open page does not reload itself: the script receives the new page in its long
poll and puts into the open document only the parts that differ (the changed section,
say), so the browser lays out that part, not the whole 0.4 MB page, and the reader's
scroll position stays where it was. If that fails for any reason, it reloads the page.

The server is the standard library's (http.server, one thread per request) and listens
on 127.0.0.1 only; a request whose Host header names anything but this address (a web
page trying DNS rebinding) is refused. The page is served with a Content-Security-Policy
that lets only the preview's own script run (by its nonce), so even a text that
somehow reached the page as markup could run nothing. The build is the ordinary one,
with every check and every protection of docs/security.md; it writes into a temporary
folder, never into the project's out/ (whose outputs stay those of the last
`rapport build`). The process stays warm: Python's imports, matplotlib (when a
chart changes) and the chart cache are paid once, so a rebuild costs the check,
the Markdown and one pandoc call (docs/performance.md). It also keeps, bounded, what
does not change between two saves: the parsed YAML of each file by the hash of its
bytes (load.LoadMemo), the data texts compiled by their source (compute/texts.py) and
the HTML of each piece of the Markdown (render/html.py); the page is still built from
the files as they are, through every check, and equals what `rapport build --format
html` writes for them (tests/test_preview.py).

When the data has an error the page shows the errors (file:line, code, message,
hint; HTML-escaped) instead of the last good report, and turns back into the report
once they are fixed.
"""
from __future__ import annotations

import gc
import hashlib
import html
import os
import secrets
import shutil
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from stat import S_ISREG
from urllib.parse import parse_qs, urlsplit

from ..constants import ORG_FILE
from ..diagnostics import Diagnostic, ReportError
from ..load import MAX_BYTES, LoadMemo, remembering

POLL = 0.02  # seconds between two looks at the watched files (a stat of each: about 0.2 ms for the example)
COLLECT_AFTER = 0.3  # seconds after a rebuild when its put-off collection of cycles runs (watch())
REREAD = 3  # builds at most per rebuild while the files change under it (then the watcher's turn)
RACY_S = 2.0  # a file changed this recently is also compared by its bytes, not by its stat alone
LONG_POLL = 25.0  # a /version or /sida request waits at most this long for a newer page
HOST = "127.0.0.1"
WATCHED = ("data", "templates")  # folders under the project root, with organisation.yaml

# Swaps the new page into the open one: the nodes that differ between the two (after a
# common beginning and end) are replaced, going down into an element while it is the
# only one that differs on both sides, so an edit of one comment replaces one paragraph.
UPDATE_SCRIPT = """<script nonce="{nonce}">
(function () {{
  var version = {version};
  var me = document.currentScript;
  if (me) {{ me.remove(); }}
  function same(a, b) {{ return a.cloneNode(false).isEqualNode(b.cloneNode(false)); }}
  function patch(a, b) {{
    var x = Array.prototype.slice.call(a.childNodes), y = Array.prototype.slice.call(b.childNodes);
    var i = 0, j = 0;
    while (i < x.length && i < y.length && x[i].isEqualNode(y[i])) {{ i++; }}
    while (j < x.length - i && j < y.length - i && x[x.length - 1 - j].isEqualNode(y[y.length - 1 - j])) {{ j++; }}
    var old = x.slice(i, x.length - j), neu = y.slice(i, y.length - j);
    if (old.length === 1 && neu.length === 1 && old[0].nodeType === 1 && same(old[0], neu[0])) {{
      patch(old[0], neu[0]);
      return;
    }}
    var after = x[x.length - j] || null;
    old.forEach(function (n) {{ a.removeChild(n); }});
    neu.forEach(function (n) {{ a.insertBefore(document.importNode(n, true), after); }});
  }}
  function show(text) {{
    var doc = new DOMParser().parseFromString(text, "text/html");
    Array.prototype.forEach.call(doc.querySelectorAll("script"), function (s) {{ s.remove(); }});
    if (!same(document.documentElement, doc.documentElement) || !same(document.body, doc.body)) {{
      throw new Error("other page");
    }}
    patch(document.head, doc.head);
    patch(document.body, doc.body);
  }}
  function next() {{
    fetch("/sida?efter=" + version, {{cache: "no-store"}})
      .then(function (r) {{
        var v = +r.headers.get("X-Rapport-Version");
        return r.text().then(function (t) {{
          if (v === version) {{ return; }}
          try {{ show(t); version = v; }} catch (e) {{ location.reload(); throw e; }}
        }});
      }})
      .then(next, function () {{ setTimeout(next, 1000); }});
  }}
  next();
}})();
</script>
"""


def _stat(path: str, now: int) -> tuple | None:
    """(inode, mtime, ctime, size, digest) of one file; the digest (sha256 of its bytes)
    only while it changed within RACY_S: a second save within one tick of the file
    system's clock keeps the mtime (and perhaps the size), never the bytes."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_size)
    if now - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_S * 1e9 or not S_ISREG(st.st_mode):
        return (*key, None)  # (a pipe or a device is never read: it could block the watcher)
    try:
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read(MAX_BYTES + 1)).hexdigest()
    except OSError:
        digest = None
    return (*key, digest)


def snapshot(root: Path) -> dict:
    """What the watcher compares: every watched file's path -> _stat (None: unreadable)."""
    now = time.time_ns()
    seen: dict = {ORG_FILE: _stat(str(root / ORG_FILE), now)}
    for folder in WATCHED:
        for dirpath, dirnames, filenames in os.walk(root / folder):
            dirnames.sort()
            for name in sorted(filenames):
                p = os.path.join(dirpath, name)
                seen[p] = _stat(p, now)
    return seen


def changed(before: dict, now: dict) -> bool:
    """Whether a watched file was added, removed or written between two snapshots. A file's
    digest leaving the racy window (None now, known before) is no change by itself."""
    if before.keys() != now.keys():
        return True
    for path, a in now.items():
        b = before[path]
        if a is None or b is None:
            if a is not b:
                return True
            continue
        if a[:4] != b[:4] or (a[4] is not None and b[4] is not None and a[4] != b[4]):
            return True
    return False


def error_page(report_id: str, diagnostics: list[Diagnostic], title: str = "Fel i underlaget") -> str:
    """The errors, for a person: where, what and what to do; every text escaped."""
    e = html.escape
    items = []
    for d in diagnostics:
        where = f"{d.file}:{d.line}:{d.col}"
        hint = f'<p class="tips">Tips: {e(d.hint)}</p>' if d.hint else ""
        items.append(f'<li><p><code>{e(where)}</code> <strong>{e(d.code)}</strong> {e(d.message)} '
                     f'<span class="grad">[{e("fel" if d.severity == "error" else "varning")}]</span></p>{hint}</li>')
    count = len(diagnostics)
    return ('<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(title)} – {e(report_id)}</title>\n<style>\n"
            'html { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; line-height: 1.5; color: #1a1a1a; }\n'
            "body { margin: 0 auto; max-width: 62rem; padding: 1rem 1.5rem; }\n"
            "h1 { color: #a4161a; } li { margin: 0 0 1rem; } code { font-size: 1rem; } .tips { margin: 0.2rem 0 0 1rem; }\n"
            "</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{e(title)}</h1>\n<p>Rapporten <code>{e(report_id)}</code> byggs inte: "
            f"{count} problem. Sidan uppdateras när filen sparas igen.</p>\n"
            f'<ul class="fel">\n{"".join(items)}\n</ul>\n</main>\n</body>\n</html>\n')


class Preview:
    """The page of one report, kept up to date with its files."""

    def __init__(self, root: Path, report_id: str, port: int = 8000, poll: float = POLL) -> None:
        self.root, self.report_id, self.poll = Path(root), report_id, poll
        self.work = Path(tempfile.mkdtemp(prefix="rapport-preview-"))
        self.version = 0
        self.page = ""  # the last page, without the reload script
        self.ok = False
        self.built_at = 0.0  # time.monotonic() of the last finished rebuild
        self.last_seconds = 0.0
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._seen: dict = {}
        self._serving = False
        self.html_cache: dict = {}  # pieces of the page pandoc converted before (render/html.py)
        self.load_memo = LoadMemo()  # the YAML files parsed before, by their bytes (load.py)
        self.server = _server(self, port)
        self.port = self.server.server_address[1]
        self.url = f"http://{HOST}:{self.port}/"

    # -- building --------------------------------------------------------------------
    def rebuild(self) -> None:
        """Build the page from the files as they are now (or the page of their errors)."""
        from ..project import load_project
        from .build import build

        t0 = time.perf_counter()
        for _ in range(REREAD):
            # A file that changes while it is read (an editor that truncates and then
            # writes, caught in between) gives a page of what no save held: when the
            # files differ after the build from what they were before it, build again.
            before = snapshot(self.root)
            try:
                with remembering(self.load_memo):
                    project = load_project(self.root)
                    res = build(project, self.report_id, ("html",), self.work, html_cache=self.html_cache)
                page = Path(res.outputs[0]).read_text(encoding="utf-8")
                ok = True
            except ReportError as e:
                page, ok = error_page(self.report_id, e.diagnostics), False
            except OSError as e:
                page, ok = error_page(self.report_id, [Diagnostic(str(e.filename or self.root), 1, 1, "RR641",
                                                                  f"Förhandsgranskningen kunde inte skriva: {e.strerror}.",
                                                                  "Kontrollera den tillfälliga mappen och spara igen.")],
                                      "Kan inte bygga"), False
            if not changed(before, snapshot(self.root)):
                break
        self._seen = before  # what this page was built from: a later change is the watcher's
        with self._changed:
            self.page, self.ok = page, ok
            self.version += 1
            self.last_seconds = time.perf_counter() - t0
            self.built_at = time.monotonic()
            self._changed.notify_all()

    def watch(self) -> None:
        """Rebuild whenever a watched file changes; until stop().

        Python's collector of reference cycles does not run during a rebuild (it found
        nothing there to free: what a rebuild makes lives until it ends, yet its passes
        cost about a tenth of the rebuild); it runs COLLECT_AFTER later, once the new
        page is out and the browser has it, or before the next rebuild when that comes
        first. The objects that live as long as the process (imports, caches, the first
        build) were set aside from it once, in start()."""
        due: float | None = None  # when the collection put off during the last rebuild is to run
        try:
            while not self._stop.wait(self.poll):
                now = snapshot(self.root)
                if changed(self._seen, now):
                    if due is not None:
                        gc.enable()
                        gc.collect()
                    gc.disable()
                    self.rebuild()
                    due = time.monotonic() + COLLECT_AFTER
                else:
                    self._seen = now  # the digests of files past the racy window are dropped
                    if due is not None and time.monotonic() >= due:
                        gc.enable()
                        gc.collect()
                        due = None
        finally:
            gc.enable()

    def wait_newer(self, version: int, timeout: float = LONG_POLL) -> int:
        with self._changed:
            self._changed.wait_for(lambda: self.version != version or self._stop.is_set(), timeout)
            return self.version

    # -- running ---------------------------------------------------------------------
    def start(self) -> Preview:
        """Build once, then serve and watch in background threads (for tests and the CLI)."""
        self.rebuild()
        gc.collect()
        gc.freeze()  # left out of every later collection (watch()); stop() puts them back
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        self._serving = True
        threading.Thread(target=self.watch, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        gc.unfreeze()
        with self._changed:
            self._changed.notify_all()
        if self._serving:
            self.server.shutdown()  # waits for serve_forever, so only when it runs
        self.server.server_close()
        shutil.rmtree(self.work, ignore_errors=True)


def _server(preview: Preview, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        server_version = "rapport-preview"
        sys_version = ""

        def log_message(self, format, *args) -> None:
            pass  # the terminal shows rebuilds, not requests

        def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _host_ok(self) -> bool:
            host = (self.headers.get("Host") or "").lower()
            return host in (f"{HOST}:{preview.port}", f"localhost:{preview.port}")

        def do_GET(self) -> None:
            if not self._host_ok():
                self._send(403, b"Endast 127.0.0.1.\n", "text/plain; charset=utf-8")
                return
            url = urlsplit(self.path)
            if url.path == "/":
                with preview._changed:
                    page, version = preview.page, preview.version
                nonce = secrets.token_urlsafe(16)
                script = UPDATE_SCRIPT.format(nonce=nonce, version=version)
                at = page.rfind("</body>")
                body = (page[:at] + script + page[at:]) if at >= 0 else page + script
                csp = (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
                       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
                self._send(200, body.encode("utf-8"), "text/html; charset=utf-8", {"Content-Security-Policy": csp})
            elif url.path in ("/version", "/sida"):
                try:
                    since = int(parse_qs(url.query).get("efter", ["-1"])[0])
                except ValueError:
                    since = -1
                preview.wait_newer(since)  # at once when the page is already newer
                with preview._changed:
                    page, version = preview.page, preview.version
                if url.path == "/version":
                    self._send(200, str(version).encode(), "text/plain; charset=utf-8")
                else:  # the page itself, without a script: the open page's script puts it in place
                    self._send(200, page.encode("utf-8"), "text/html; charset=utf-8",
                               {"X-Rapport-Version": str(version), "Content-Security-Policy": "sandbox; default-src 'none'"})
            else:
                self._send(404, b"Finns inte.\n", "text/plain; charset=utf-8")

        do_HEAD = do_GET

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        allow_reuse_address = True

        def handle_error(self, request, client_address) -> None:
            import sys

            if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                super().handle_error(request, client_address)
            # else: a page that went away (reloaded, closed) while its long poll was answered

    return Server((HOST, port), Handler)
