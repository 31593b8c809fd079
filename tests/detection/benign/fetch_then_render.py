# A status-page generator: it fetches JSON from a (local) API, then renders
# its own Jinja2 templates and string.Template snippets, builds record types
# from the fetched field names, and writes the pages.
import collections, http.server, json, os, string, threading, urllib.request

import jinja2


class API(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"services": [{"name": "web", "state": "up", "latency_ms": 12},
                                        {"name": "db", "state": "degraded", "latency_ms": 340}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), API)
threading.Thread(target=server.serve_forever, daemon=True).start()
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(f"http://127.0.0.1:{server.server_address[1]}/api/status", timeout=5) as response:
    status = json.load(response)
server.shutdown()

Service = collections.namedtuple("Service", sorted(status["services"][0]))
services = [Service(**entry) for entry in status["services"]]
templates = os.path.join(os.environ["BENIGN_WORKDIR"], "templates")
os.makedirs(templates, exist_ok=True)
with open(os.path.join(templates, "base.html"), "w") as out:
    out.write("<html><title>{% block title %}{% endblock %}</title><body>{% block body %}{% endblock %}</body></html>")
with open(os.path.join(templates, "status.html"), "w") as out:
    out.write('{% extends "base.html" %}{% block title %}Status{% endblock %}{% block body %}<ul>'
              '{% for s in services|sort(attribute="name") %}<li class="{{ s.state }}">{{ s.name|upper }}: '
              '{{ "%.0f"|format(s.latency_ms) }} ms</li>{% endfor %}</ul>{% endblock %}')
environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=jinja2.select_autoescape(),
                                 bytecode_cache=jinja2.FileSystemBytecodeCache(templates))
page = environment.get_template("status.html").render(services=services)
assert '<li class="degraded">DB: 340 ms</li>' in page
banner = string.Template("$count services, $bad degraded").substitute(
    count=len(services), bad=sum(s.state != "up" for s in services))
with open(os.path.join(os.environ["BENIGN_WORKDIR"], "status.html"), "w") as out:
    out.write(page + f"<!-- {banner} -->")
assert environment.from_string("{{ 1 + 1 }}").render() == "2"
