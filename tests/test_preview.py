"""`rapport preview` without a browser: the server, the watcher and the error page
(the page in a real browser, reloading, is tests/test_browser.py)."""
from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest
from click.testing import CliRunner

from regionrapport.cli import main
from regionrapport.commands.preview import Preview, error_page
from regionrapport.diagnostics import Diagnostic

REPORT = "delar-mars-2025"
OUTCOMES = f"data/outcomes/{REPORT}.yaml"


def get(pv: Preview, path: str, host: str | None = None, timeout: float = 30) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", pv.port, timeout=timeout)
    conn.request("GET", path, headers={"Host": host or f"127.0.0.1:{pv.port}"})
    r = conn.getresponse()
    body = r.read().decode("utf-8")
    conn.close()
    return r.status, dict(r.getheaders()), body


@pytest.fixture
def preview(project_copy):
    pv = Preview(project_copy, REPORT, port=0).start()
    yield pv
    pv.stop()


def test_serves_the_page_on_loopback_with_a_policy(preview, project_copy):
    assert preview.server.server_address[0] == "127.0.0.1"
    status, headers, body = get(preview, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "img-src data:" in csp
    nonce = csp.split("script-src 'nonce-")[1].split("'")[0]
    assert body.count("<script") == 1 and f'<script nonce="{nonce}">' in body  # only the reload script
    assert body.count("<table") == 37
    # a fresh nonce per response
    assert get(preview, "/")[1]["Content-Security-Policy"] != csp
    # nothing was written into the project (out/ is the build's)
    assert not (project_copy / "out").exists()


def test_refuses_other_host_names(preview):
    """A web page that points its own name at 127.0.0.1 (DNS rebinding) gets nothing."""
    status, _, body = get(preview, "/", host=f"evil.example:{preview.port}")
    assert status == 403 and "<table" not in body
    assert get(preview, "/", host=f"localhost:{preview.port}")[0] == 200
    assert get(preview, "/nope")[0] == 404


def test_version_waits_for_a_rebuild_after_a_save(preview, project_copy):
    v = preview.version
    status, _, body = get(preview, f"/version?efter={v - 1}")
    assert (status, body) == (200, str(v))  # already newer: at once
    answer: list = []
    t = threading.Thread(target=lambda: answer.append(get(preview, f"/version?efter={v}")))
    t.start()
    time.sleep(0.3)
    assert not answer, "the long poll answered before anything changed"
    f = project_copy / OUTCOMES
    f.write_text(f.read_text(encoding="utf-8").replace("ligger {{ belopp", "ligger nu {{ belopp", 1), encoding="utf-8")
    t.join(30)
    assert answer and answer[0][2] == str(v + 1)
    assert "ligger nu 36" in get(preview, "/")[2]


def test_errors_replace_the_report_and_are_escaped(preview, project_copy):
    f = project_copy / OUTCOMES
    src = f.read_text(encoding="utf-8")
    v = preview.version
    f.write_text(src.replace("    utfall: 1", "    utfal<b>x</b>: 1", 1), encoding="utf-8")
    preview.wait_newer(v, 30)
    assert not preview.ok
    _, _, body = get(preview, "/")
    assert "<h1>Fel i underlaget</h1>" in body and "<table" not in body
    assert f"{OUTCOMES}:" in body and "RR010" in body and "Tips:" in body
    assert "utfal<b>" not in body and "utfal&lt;b&gt;x&lt;/b&gt;" in body
    v = preview.version
    f.write_text(src, encoding="utf-8")
    preview.wait_newer(v, 30)
    assert preview.ok and get(preview, "/")[2].count("<table") == 37


def test_error_page_escapes_every_field():
    page = error_page("r<1>", [Diagnostic("a<b>.yaml", 3, 4, "RR010", "m <script>", "h & <i>")])
    assert "a&lt;b&gt;.yaml:3:4" in page and "m &lt;script&gt;" in page and "h &amp; &lt;i&gt;" in page
    assert "<script" not in page and "<i>" not in page


def test_cli_refuses_a_bad_report_and_a_taken_port(project_copy):
    r = CliRunner().invoke(main, ["preview", "--project", str(project_copy), "finns-inte"])
    assert r.exit_code == 2, r.output
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = CliRunner().invoke(main, ["preview", "--project", str(project_copy), "--port", str(port), REPORT])
    assert r.exit_code == 2 and f"127.0.0.1:{port}" in r.output and "--port" in r.output
