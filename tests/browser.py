"""A headless Chromium driven over the DevTools protocol, with the standard library only.

Chromium's `--remote-debugging-pipe` speaks the protocol over two inherited file
descriptors (3: commands in, 4: replies and events out), one JSON message per
NUL-terminated chunk: no websocket client, no Playwright, no downloaded browser.
The browser is Debian's `chromium` package (`make test` installs it where it can,
see the Makefile's `browser` step); without one the browser tests are skipped
with a message that says how to install it.
"""
from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
import contextlib

VENDOR = Path(__file__).parent / "vendor"
INSTALL_HINT = ("no Chromium found: install it with 'apt-get install -y chromium' (Debian) "
                "or set RAPPORT_CHROMIUM to a Chromium/Chrome binary; 'make test' installs it when run as root")


def find_chromium() -> str | None:
    env = os.environ.get("RAPPORT_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium for a test session; `page()` opens a tab."""

    def __init__(self, exe: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="rapport-chromium-")
        cmd_r, cmd_w = os.pipe()  # we write commands, Chromium reads fd 3
        out_r, out_w = os.pipe()  # Chromium writes fd 4, we read
        # The child's ends become its fds 3 and 4 through a shell's redirections (no
        # preexec_fn: the preview's threads may be running when the browser starts).
        child_in = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(out_w, fcntl.F_DUPFD, 10)
        os.close(cmd_r)
        os.close(out_w)
        args = [exe, "--headless=new", "--remote-debugging-pipe", f"--user-data-dir={self.profile}",
                "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--disable-dev-shm-usage",
                "--mute-audio", "--hide-scrollbars", "--window-size=1280,900", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        shell = f'exec "$@" 3<&{child_in} 4>&{child_out} {child_in}<&- {child_out}>&-'
        # bash: dash reads only one-digit descriptors in a redirection
        self.proc = subprocess.Popen([shutil.which("bash") or "/bin/bash", "-c", shell, "sh", *args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     pass_fds=(child_in, child_out))
        os.close(child_in)
        os.close(child_out)
        self._w = os.fdopen(cmd_w, "wb", buffering=0)
        self._r = os.fdopen(out_r, "rb", buffering=0)
        self._next = 0
        self._lock = threading.Lock()
        self._waiting: dict[int, queue.Queue] = {}
        self.events: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.version = self.send("Browser.getVersion", timeout=30)["product"]

    def _read(self) -> None:
        buf = b""
        while True:
            chunk = self._r.read(1 << 16)
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg and msg["id"] in self._waiting:
                    self._waiting[msg["id"]].put(msg)
                elif "method" in msg:
                    self.events.put(msg)
        for q in list(self._waiting.values()):
            q.put({"error": {"message": "browser closed"}})

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 20) -> dict:
        with self._lock:
            self._next += 1
            mid = self._next
            q: queue.Queue = queue.Queue()
            self._waiting[mid] = q
            msg: dict = {"id": mid, "method": method, "params": params or {}}
            if session:
                msg["sessionId"] = session
            self._w.write(json.dumps(msg).encode() + b"\0")
        try:
            reply = q.get(timeout=timeout)
        except queue.Empty:
            raise BrowserError(f"{method}: no answer in {timeout} s") from None
        finally:
            self._waiting.pop(mid, None)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def page(self) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        p = Page(self, target, session)
        p.call("Page.enable")
        p.call("Runtime.enable")
        return p

    def close(self) -> None:
        with contextlib.suppress(BrowserError):
            self.send("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for f in (self._w, self._r):
            with contextlib.suppress(OSError):
                f.close()
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser: Browser, target: str, session: str) -> None:
        self.browser, self.target, self.session = browser, target, session

    def call(self, method: str, params: dict | None = None, timeout: float = 20) -> dict:
        return self.browser.send(method, params, self.session, timeout)

    def goto(self, url: str, timeout: float = 20) -> None:
        self.call("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete'", timeout)

    def evaluate(self, expression: str, timeout: float = 30):
        res = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True},
                        timeout)
        if "exceptionDetails" in res:
            raise BrowserError(f"script failed: {res['exceptionDetails'].get('exception', {}).get('description')}")
        return res.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 10) -> None:
        """Until the expression is true in the page (polled)."""
        end = time.monotonic() + timeout
        while True:
            try:
                if self.evaluate(expression):
                    return
            except BrowserError:
                pass  # a page being replaced by a reload has no context for a moment
            if time.monotonic() > end:
                raise BrowserError(f"not true after {timeout} s: {expression}")
            time.sleep(0.05)

    def axe(self) -> list[dict]:
        """axe-core's violations of WCAG 2.0/2.1 A and AA (and best practices) for the page."""
        if not self.evaluate("typeof axe !== 'undefined'"):
            self.evaluate((VENDOR / "axe.min.js").read_text(encoding="utf-8") + "; true")
        return self.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', "
            "'best-practice']}, resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id, "
            "impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html.slice(0, 200))})))",
            timeout=60)

    def close(self) -> None:
        with contextlib.suppress(BrowserError):
            self.browser.send("Target.closeTarget", {"targetId": self.target}, timeout=5)
