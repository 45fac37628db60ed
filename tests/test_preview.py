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


# -- what the preview keeps between rebuilds (no timings here: benchmarks/preview.py) --
COMMENT = "Hälso- och sjukvården ligger {{ belopp('hsn', 'avvikelse') }} mnkr före budget"


def built_html(project, out) -> str:
    r = CliRunner().invoke(main, ["build", "--project", str(project), "--format", "html", "--force",
                                  "--out", str(out), REPORT])
    assert r.exit_code == 0, r.output
    return (out / REPORT / f"{REPORT}.html").read_text(encoding="utf-8")


def test_the_page_equals_the_build_after_edits_with_warm_caches(project_copy, tmp_path):
    """The preview's caches (parsed YAML, compiled texts, HTML pieces) change nothing: after
    each edit the page is what `rapport build --format html` writes for the same files."""
    from regionrapport.compute import texts

    pv = Preview(project_copy, REPORT, port=0)
    try:
        pv.rebuild()
        assert pv.ok and pv.page == built_html(project_copy, tmp_path / "a")
        parsed, compiled = pv.load_memo.misses, texts._compile.cache_info().hits
        f = project_copy / OUTCOMES
        src = f.read_text(encoding="utf-8")
        assert src.count(COMMENT) == 1
        f.write_text(src.replace(COMMENT, COMMENT.replace("ligger", "ligger nu")), encoding="utf-8")
        pv.rebuild()
        assert pv.ok and "ligger nu 36" in pv.page
        assert pv.page == built_html(project_copy, tmp_path / "b")
        # only the edited file was parsed again; the texts were compiled before
        assert pv.load_memo.misses == parsed + 1 and pv.load_memo.hits >= 2
        assert texts._compile.cache_info().hits > compiled
        # the budget, the outcomes file as it was: the kept parse of that is used again
        b = project_copy / "data" / "budget" / "budget-2025.yaml"
        bsrc = b.read_text(encoding="utf-8")
        assert bsrc.count("namn: Trafiknämnd") == 1
        f.write_text(src, encoding="utf-8")
        b.write_text(bsrc.replace("namn: Trafiknämnd", "namn: Trafiknämnden i länet"), encoding="utf-8")
        hits = pv.load_memo.hits
        pv.rebuild()
        assert pv.ok and "ligger 36" in pv.page and "Trafiknämnden i länet" in pv.page
        assert pv.load_memo.hits >= hits + 2  # organisation.yaml and the outcomes file
        assert pv.page == built_html(project_copy, tmp_path / "c")
    finally:
        pv.stop()


def test_a_second_save_within_one_clock_tick_is_seen(preview, project_copy):
    """Two saves of the same length within one tick of the file system's clock leave the
    file's mtime as it was: the watcher compares the bytes of a file saved that recently."""
    import os

    from regionrapport.commands.preview import changed, snapshot

    f = project_copy / OUTCOMES
    src = f.read_text(encoding="utf-8")
    v = preview.version
    f.write_text(src.replace(COMMENT, COMMENT.replace("ligger", "ligger ett")), encoding="utf-8")
    preview.wait_newer(v, 30)
    while "ligger ett 36" not in preview.page:  # a rebuild may have started before the write
        v = preview.version
        preview.wait_newer(v, 30)
    st = f.stat()
    before = snapshot(project_copy)
    v = preview.version
    f.write_text(src.replace(COMMENT, COMMENT.replace("ligger", "ligger tre")), encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # the clock did not move
    assert f.stat().st_mtime_ns == st.st_mtime_ns and f.stat().st_size == st.st_size
    now = snapshot(project_copy)
    assert changed(before, now)
    # the bytes were compared, not only the stat (whose ctime the kernel moved on its own)
    assert before[str(f)][4] is not None and now[str(f)][4] not in (None, before[str(f)][4])
    preview.wait_newer(v, 30)
    while "ligger tre 36" not in preview.page and preview.version != v:
        v = preview.version
        preview.wait_newer(v, 30)
    assert "ligger tre 36" in preview.page and "ligger ett" not in preview.page


def test_the_watcher_compares_bytes_only_of_recent_files():
    from regionrapport.commands.preview import changed

    stat = (1, 10, 10, 100)
    assert not changed({"a": (*stat, "x")}, {"a": (*stat, "x")})
    assert changed({"a": (*stat, "x")}, {"a": (*stat, "y")})  # same stat, other bytes
    assert not changed({"a": (*stat, "x")}, {"a": (*stat, None)})  # past the racy window: no rebuild
    assert changed({"a": (*stat, None)}, {"a": (2, 10, 10, 100, None)})  # replaced (an editor's rename)
    assert changed({"a": (*stat, None)}, {"a": (*stat, None), "b": (*stat, None)})  # a new file
    assert changed({"a": (*stat, None)}, {"a": None})  # unreadable now


def test_errors_in_organisation_and_a_new_template_rebuild(preview, project_copy):
    org = project_copy / "organisation.yaml"
    src = org.read_text(encoding="utf-8")
    v = preview.version
    org.write_text(src + "okand_nyckel: 1\n", encoding="utf-8")
    preview.wait_newer(v, 30)
    assert not preview.ok
    line = src.count("\n") + 1
    assert f"organisation.yaml:{line}:" in preview.page and "RR010" in preview.page
    v = preview.version
    org.write_text(src, encoding="utf-8")
    preview.wait_newer(v, 30)
    assert preview.ok and preview.page.count("<table") == 37
    # a template of the project's own, saved while the preview runs
    from regionrapport.render.markdown import BUILTIN_TEMPLATES

    (project_copy / "templates").mkdir(exist_ok=True)
    own = (BUILTIN_TEMPLATES / "delar.md.j2").read_text(encoding="utf-8")
    v = preview.version
    (project_copy / "templates" / "delar.md.j2").write_text(own.rstrip("\n") + "\n\nRad ur projektets egen mall.\n",
                                                            encoding="utf-8")
    preview.wait_newer(v, 30)
    assert preview.ok and "Rad ur projektets egen mall." in preview.page


def test_the_caches_are_bounded(project_copy):
    from regionrapport.compute import texts
    from regionrapport.load import LoadMemo, load_file, remembering

    memo = LoadMemo(size=3)
    f = project_copy / OUTCOMES
    src = f.read_text(encoding="utf-8")
    with remembering(memo):
        first = load_file(f, project_copy)
        assert load_file(f, project_copy) is first  # the same bytes: kept
        for i in range(6):
            f.write_text(src.replace(COMMENT, COMMENT.replace("ligger", f"ligger {i}")), encoding="utf-8")
            assert "ligger " + str(i) in str(load_file(f, project_copy).data)
        assert len(memo) == 3
    assert load_file(f, project_copy) is not load_file(f, project_copy)  # outside the block: nothing kept
    info = texts._compile.cache_info()
    assert info.maxsize == texts.COMPILED
    helpers = {"belopp": None}
    texts.compile_text("x {{ belopp('a', 'b') }}" + " " * texts.COMPILED_CHARS, helpers)
    texts.compile_text("x {{ belopp('a', 'b') }}" + " " * texts.COMPILED_CHARS, helpers)
    assert texts._compile.cache_info().currsize == info.currsize  # a long text is not kept
    for _ in range(2):  # a refused text is refused every time, not remembered
        with pytest.raises(texts.TextError):
            texts.compile_text("{{ okand() }}", helpers)


def test_a_file_written_during_the_build_is_built_again(project_copy, monkeypatch):
    """An editor that truncates the file and then writes it, caught in between: the page
    of the half-written file is not shown, the file as it ends up is."""
    from regionrapport.commands import build as build_module

    f = project_copy / OUTCOMES
    src = f.read_text(encoding="utf-8")
    whole = src.replace(COMMENT, COMMENT.replace("ligger", "ligger hel"))
    f.write_text(src[:len(src) // 3], encoding="utf-8")  # what the first read finds
    real, calls = build_module.build, []

    def build_while_the_editor_writes(*args, **kwargs):
        calls.append(1)
        try:
            return real(*args, **kwargs)
        finally:
            if len(calls) == 1:
                f.write_text(whole, encoding="utf-8")  # the save completes meanwhile

    monkeypatch.setattr(build_module, "build", build_while_the_editor_writes)
    pv = Preview(project_copy, REPORT, port=0)
    try:
        pv.rebuild()
        assert len(calls) == 2 and pv.version == 1
        assert pv.ok and "ligger hel 36" in pv.page
    finally:
        pv.stop()
