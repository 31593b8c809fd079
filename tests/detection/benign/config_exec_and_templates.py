# A small site generator of the old school: it checks a (local) API for
# data, then loads its own settings file with exec (the idiom of setup.py's
# version files, Sphinx's conf.py and gunicorn's config), and renders pages
# with its own tiny template compiler, which turns each template file into
# a Python function with compile().
import http.server, json, os, re, threading, urllib.request

workdir = os.environ["BENIGN_WORKDIR"]


class API(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps([{"title": "Release 2.1", "slug": "release-2-1"}, {"title": "Outage report", "slug": "outage"}])
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), API)
threading.Thread(target=server.serve_forever, daemon=True).start()
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
posts = json.load(opener.open(f"http://127.0.0.1:{server.server_address[1]}/posts.json", timeout=5))
server.shutdown()

settings_path = os.path.join(workdir, "site_settings.py")
with open(settings_path, "w") as out:
    out.write("SITE_NAME = 'Ops notes'\nOUTPUT = 'public'\nPER_PAGE = 10\nFOOTER = f'{SITE_NAME} - generated'\n")
settings = {}
with open(settings_path) as handle:
    exec(compile(handle.read(), settings_path, "exec"), settings)

template_path = os.path.join(workdir, "post.tmpl")
with open(template_path, "w") as out:
    out.write("<h1>{{ site }}: {{ post['title'] }}</h1>\n<footer>{{ footer }}</footer>\n")


def compile_template(path):
    """Turns "text {{ expression }} text" into a function returning an f-string."""
    with open(path) as handle:
        text = handle.read()
    body = re.sub(r"\{\{\s*(.+?)\s*\}\}", r"{\1}", text.replace("{", "{{").replace("}", "}}").replace("{{{{", "{")
                  .replace("}}}}", "}"))
    source = f"def render(site, post, footer):\n    return f{body!r}\n"
    namespace = {}
    exec(compile(source, path, "exec"), namespace)
    return namespace["render"]


render = compile_template(template_path)
output = os.path.join(workdir, settings["OUTPUT"])
os.makedirs(output, exist_ok=True)
for post in posts:
    with open(os.path.join(output, post["slug"] + ".html"), "w") as out:
        out.write(render(settings["SITE_NAME"], post, settings["FOOTER"]))
with open(os.path.join(output, "outage.html")) as page:
    assert page.read() == "<h1>Ops notes: Outage report</h1>\n<footer>Ops notes - generated</footer>\n"
