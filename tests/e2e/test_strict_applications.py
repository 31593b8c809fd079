"""Ordinary applications under policies/strict.toml on a host whose
standard library and dist-packages are trusted (issue 21, item 1).

Each runs the same program under the stock interpreter and under
vigil-python with `host_strict` (the test's own files trusted, as an
administrator adds an application), and must print the same and exit the
same, with no denial and no trust alert in the log. They use Debian's
packages, which generate code at run time (docs/trust.md, "Provenance"):
each skips, saying so, where its package is not installed.

The second half holds the other side: the same generators, handed text
from the network, the environment or a file nobody vouched for, must not
run it, and the attack corpus's code-from-outside and tampering scripts are
still refused under strict even when their own files are trusted."""
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, STOCK_PYTHON, alerts, assert_contract, events

ATTACKS = ROOT / "tests" / "detection" / "attacks"


def stock_has(module):
    """Whether the stock interpreter can import `module` (from dist-packages)."""
    return subprocess.run([STOCK_PYTHON, "-c", f"import {module}"], capture_output=True).returncode == 0


def needs(module, package):
    if not stock_has(module):
        pytest.skip(f"Debian's {package} is not installed for {STOCK_PYTHON} (a chroot without it)")


@pytest.fixture
def project(tmp_path):
    directory = tmp_path / "project"
    directory.mkdir()
    return directory


def write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def refusals(records):
    """Records of operations the trust checks refused, and trust alerts.
    strict's other restrictions on how Python starts apply to every
    program alike and are not counted: site's .pth files ([entry]
    pth_files = false; the host's dist-packages hold several, and an
    untrusted one in /usr/local) and sitecustomize, and the `ctypes` rule
    (colorama, which Django's and pytest's output use, tries ctypes and
    does without it)."""
    by_seq = {r["seq"]: r for r in records}

    def trust_refusal(record):
        event = by_seq.get(record.get("seq_ref"), record) if record["kind"] == "alert" else record
        rules = set((event.get("decision") or {}).get("rules") or [])
        if record["kind"] == "alert":
            rules = {record["rule"]}
        pth = event.get("event") == "open" and str((event.get("args") or {}).get("path", "")).endswith(".pth")
        return any(rule.startswith("trust.") for rule in rules) and not pth

    return [r for r in records if r["kind"] in ("event", "alert") and trust_refusal(r)]


def starts_like_every_program(record):
    """A refusal strict makes in every run on this host, before the
    program's own code: site's .pth files and sitecustomize."""
    path = str((record.get("args") or {}).get("path", ""))
    module = (record.get("args") or {}).get("module")
    return (record.get("event") == "open" and path.endswith(".pth")) or \
        (record.get("event") == "import" and module in ("sitecustomize", "usercustomize"))


def run_both(vigil_run, host_strict, project, args, normalise=lambda text: text):
    """Runs `args` under the stock interpreter and under strict; returns
    vigil-python's run after checking both printed and exited the same.
    Strict writes no bytecode, and the stock run after it is kept from
    writing any (-B), so neither reads the other's caches."""
    run = vigil_run(list(args), env={"VIGIL_POLICY": host_strict.path}, cwd=project)
    stock = subprocess.run([STOCK_PYTHON, "-B", *args], capture_output=True, cwd=project, timeout=300,
                           env={k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIGIL"))})
    records = run.records
    assert_contract(records)
    denied = refusals(records)
    assert not denied, "\n".join(str(r) for r in denied[:5]) + "\n" + run.stderr.decode(errors="replace")[-3000:]
    assert (run.returncode, normalise(run.stdout.decode())) == (stock.returncode, normalise(stock.stdout.decode())), \
        run.stderr.decode(errors="replace")[-3000:]
    return run


FLASK_APP = """
import flask

app = flask.Flask(__name__)

@app.route("/")
def index():
    return "hello from flask"

@app.route("/items/<int:item>")
def item(item):
    return flask.jsonify(item=item, double=item * 2)

client = app.test_client()
for url in ["/", "/items/21", "/missing"]:
    response = client.get(url)
    print(url, response.status_code, response.get_data(as_text=True).strip())
with app.test_request_context():
    print(flask.url_for("item", item=3))
"""


def test_a_flask_app_serves_requests(vigil_run, host_strict, project):
    needs("flask", "python3-flask")
    app = write(project / "app.py", FLASK_APP)
    host_strict.trust(app)
    run = run_both(vigil_run, host_strict, project, [str(app)])
    assert b"/items/21 200" in run.stdout and b"/items/3" in run.stdout


DJANGO_APP = """
import django
from django.conf import settings

settings.configure(
    DEBUG=False, SECRET_KEY="not-a-secret-" * 4, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"],
    MIDDLEWARE=[], INSTALLED_APPS=[],
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [%(templates)r]}])
django.setup()

from django.http import HttpResponse
from django.template import loader
from django.test import Client
from django.urls import path

def index(request):
    return HttpResponse(loader.render_to_string("page.html", {"name": request.GET.get("name", "nobody"),
                                                              "items": [1, 2, 3]}))

urlpatterns = [path("", index)]

response = Client().get("/?name=vigil")
print(response.status_code, response.content.decode().strip())
print(Client().get("/nowhere").status_code)
"""


def test_a_django_test_client_run(vigil_run, host_strict, project):
    needs("django", "python3-django")
    templates = project / "templates"
    page = write(templates / "page.html", "Hello {{ name|upper }}:{% for i in items %} {{ i }}{% endfor %}\n")
    app = write(project / "app.py", DJANGO_APP % {"templates": str(templates)})
    host_strict.trust(app, page)
    run = run_both(vigil_run, host_strict, project, [str(app)])
    assert b"200 Hello VIGIL: 1 2 3" in run.stdout


PYTEST_PROJECT = {
    "calc.py": "def add(a, b):\n    return a + b\n",
    "conftest.py": "import pytest\n\n@pytest.fixture\ndef two():\n    return 2\n",
    "test_calc.py": ("from calc import add\n\n"
                     "def test_adds(two):\n    assert add(two, 2) == 4\n\n"
                     "def test_rewritten_message():\n    assert add(1, 2) == 4\n"),
}


def test_pytest_rewrites_assertions(vigil_run, host_strict, project):
    needs("pytest", "python3-pytest")
    files = [write(project / name, text) for name, text in PYTEST_PROJECT.items()]
    host_strict.trust(*files)
    timing = lambda text: re.sub(r"in [0-9.]+s", "in Ts", text)
    run = run_both(vigil_run, host_strict, project, ["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_calc.py"],
                   normalise=timing)
    output = run.stdout.decode()
    # The rewritten assertion's message: pytest's rewriter ran.
    assert "assert 3 == 4" in output and "where 3 = add(1, 2)" in output, output
    assert "1 failed, 1 passed" in output


def test_a_jinja2_template_file_renders(vigil_run, host_strict, project):
    needs("jinja2", "python3-jinja2")
    template = write(project / "templates" / "page.html",
                     "{% macro row(x) %}<li>{{ x|title }}</li>{% endmacro %}"
                     "<ul>{% for name in names %}{{ row(name) }}{% endfor %}</ul> {{ names|length }}\n")
    app = write(project / "render.py",
                "import jinja2\n"
                "environment = jinja2.Environment(loader=jinja2.FileSystemLoader('templates'), autoescape=True)\n"
                "print(environment.get_template('page.html').render(names=['ada', '<bob>']))\n")
    host_strict.trust(template, app)
    run = run_both(vigil_run, host_strict, project, [str(app)])
    assert b"<li>&Lt;Bob&Gt;</li>" in run.stdout or b"&lt;" in run.stdout.lower()


CLASSES = """
import collections, dataclasses, enum, typing
import attr

@attr.s(auto_attribs=True, frozen=True)
class Point:
    x: int
    y: str = "y"

@attr.define
class Bag:
    items: list = attr.Factory(list)

@dataclasses.dataclass(order=True, frozen=True)
class Version:
    major: int
    label: "typing.Optional[str]" = None

Pair = collections.namedtuple("Pair", "left right", defaults=[0])

class Colour(enum.Enum):
    RED = 1
    GREEN = 2

class Mode(enum.IntFlag):
    READ = 4
    WRITE = 2

Row = typing.NamedTuple("Row", [("key", int), ("value", "typing.List[int]")])

class Options(typing.TypedDict):
    depth: int

print(Point(1), Bag(), Version(1) < Version(2), Pair(1), Colour.RED, Mode.READ | Mode.WRITE, Row(1, [2]))
print(attr.asdict(Point(2)), dataclasses.asdict(Version(3, "x")), Options(depth=1))
print(typing.get_type_hints(Version), typing.get_type_hints(Row))
"""


def test_attrs_and_standard_library_classes(vigil_run, host_strict, project):
    needs("attr", "python3-attr")
    app = write(project / "classes.py", CLASSES)
    host_strict.trust(app)
    run = run_both(vigil_run, host_strict, project, [str(app)])
    assert b"Point(x=1, y='y')" in run.stdout


def test_a_cython_extension_module(vigil_run, host_strict, project):
    """PyYAML's libyaml binding is a Cython module, which builds code
    objects while it is imported."""
    needs("yaml", "python3-yaml")
    app = write(project / "load.py", "import yaml\n"
                                     "print(yaml.__with_libyaml__)\n"
                                     "print(yaml.load('a: [1, 2]', Loader=yaml.CSafeLoader))\n")
    host_strict.trust(app)
    run = run_both(vigil_run, host_strict, project, [str(app)])
    assert run.stdout.startswith(b"True")


def test_six(vigil_run, host_strict, project):
    """six defines raise_from by exec of its own text."""
    needs("six", "python3-six")
    app = write(project / "compat.py", "import six\nprint(six.PY3, six.raise_from.__name__)\n")
    host_strict.trust(app)
    run_both(vigil_run, host_strict, project, [str(app)])


SQLALCHEMY_APP = """
from sqlalchemy import Column, ForeignKey, Integer, String, create_engine, select
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String)
    addresses = relationship("Address", back_populates="user", order_by="Address.email")

class Address(Base):
    __tablename__ = "addresses"
    id = Column(Integer, primary_key=True)
    email = Column(String)
    user_id = Column(ForeignKey("users.id"))
    user = relationship("User", back_populates="addresses")

engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
with Session(engine) as session:
    session.add_all([User(name="ada", addresses=[Address(email="b@x"), Address(email="a@x")]), User(name="bob")])
    session.commit()
    for user in session.scalars(select(User).order_by(User.name)):
        print(user.name, [address.email for address in user.addresses])
    print(session.scalars(select(Address.email).join(User).where(User.name == "ada")).all())
"""


def test_sqlalchemy_declarative_models_and_queries(vigil_run, host_strict, project):
    needs("sqlalchemy", "python3-sqlalchemy")
    app = write(project / "models.py", SQLALCHEMY_APP)
    host_strict.trust(app)
    run = run_both(vigil_run, host_strict, project, [str(app)])
    assert b"ada ['a@x', 'b@x']" in run.stdout


AST_AND_TEXT = """
import ast, os, sys

class Named:
    def __fspath__(self):
        return "/named/by/fspath.py"

tree = ast.parse(sys.argv[1])                      # a parse of unverified text
print(ast.literal_eval("[1, (2, 'three')]"))       # likewise, through ast.py

class Tagged(str):                                 # ansible-core 2.19's strings
    pass

print(ast.literal_eval(ast.parse(Tagged("'tagged'"), mode="eval")))
for name in ["/built/from/an/ast.py", b"/built/from/bytes.py", Named()]:
    try:
        exec(compile(tree, name, "exec"), {})
        print("ran")
    except PermissionError:
        print("refused")
with open(sys.argv[2], "rb") as trusted:           # a vouched file's text, compiled by this program
    exec(compile(trusted.read(), sys.argv[2], "exec"), {})
with open(sys.argv[2], "rb") as trusted:
    try:
        exec(compile(trusted.read() + b"print('appended')", sys.argv[2], "exec"), {})
    except PermissionError:
        print("changed text refused")
"""


def test_asts_parses_and_vouched_text(vigil_run, host_strict, project):
    """The compile event of an AST carries the name the call gave (CPython
    passes None); a parse makes no code and is never refused; an AST
    compiled outside a generator is; text that is a vouched file's content
    runs whoever compiles it, and the same name with other text does not."""
    program = write(project / "asts.py", AST_AND_TEXT)
    helper = write(project / "helper.py", "print('helper text ran')\n")
    host_strict.trust(program, helper)
    run = vigil_run([str(program), "x = 1", str(helper)], cwd=project, env={"VIGIL_POLICY": host_strict.path})
    assert run.stdout.decode().splitlines() == [
        "[1, (2, 'three')]", "tagged", "refused", "refused", "refused", "helper text ran", "changed text refused"], \
        run.stderr.decode()[-2000:]
    records = run.records
    assert_contract(records)
    compiles = events(records, "compile")
    of_ast = [e for e in compiles if isinstance(e["args"]["source"], dict) and "bytes" not in e["args"]["source"]]
    assert [e["args"]["filename"] for e in of_ast] == ["/built/from/an/ast.py", "/built/from/bytes.py", None], of_ast
    parses = [e for e in compiles if e["provenance"].get("parse_only")]
    assert any(e["args"]["source"] == {"bytes": "x = 1"} and not e["provenance"]["verified"] for e in parses), parses
    assert not any(e.get("decision") for e in parses)
    vouched = [e for e in compiles if e["args"]["filename"] == str(helper)]
    assert [e["provenance"]["verified"] for e in vouched] == [True, False]
    assert vouched[0]["provenance"]["origin"] == "file"


CODEGEN = """
def make_adder(field):
    namespace = {}
    exec(f"def add_{field}(self, value):\\n    self.{field} += value\\n", namespace)
    return namespace[f"add_{field}"]
"""


def test_administrators_add_their_own_generators(vigil_run, host_strict, project):
    """`generators = ["builtin", {...}]` keeps the built-in list and adds
    the application's own; its code is still refused when its text came
    from outside."""
    codegen = write(project / "codegen.py", CODEGEN)
    program = write(project / "main.py",
                    "import os, codegen, dataclasses\n"
                    "@dataclasses.dataclass\nclass Box:\n    size: int\n"
                    "box = Box(1)\ncodegen.make_adder('size')(box, 2)\nprint(box)\n"
                    "try:\n    codegen.make_adder(os.environ['STAGE'])\nexcept PermissionError:\n    print('refused')\n")
    host_strict.trust(codegen, program)
    policy = Path(host_strict.path)
    policy.write_text(policy.read_text().replace(
        'pyc = "verify"', f'pyc = "verify"\ngenerators = ["builtin", {{ files = "{codegen}", input = "program" }}]'))
    stage = "size(self): pass\nprint('PAYLOAD RAN')\ndef x"
    run = vigil_run([str(program)], cwd=project, env={"VIGIL_POLICY": host_strict.path, "STAGE": stage})
    assert run.stdout.decode().splitlines() == ["Box(size=3)", "refused"], run.stderr.decode()[-2000:]
    found = alerts(run.records, "trust.provenance")
    assert len(found) == 1 and "environment" in found[0]["message"], found


# The generators trusted above, handed text from outside. Each line the
# program prints says whether the attempt was refused; the payload would
# print PAYLOAD RAN.
GENERATORS_MISUSED = """
import collections, dataclasses, os, socket, sys, typing

PAYLOAD = "print('PAYLOAD RAN') or int"
sender, receiver = socket.socketpair()

def from_network(text):
    sender.sendall(text.encode())
    return receiver.recv(65536).decode()

def attempt(name, action):
    try:
        action()
        print(name, "ran")
    except PermissionError:
        print(name, "refused")
    except Exception as error:
        print(name, "failed:", type(error).__name__)

def forward_reference(text):
    reference = typing.ForwardRef(text)
    if sys.version_info >= (3, 14):
        reference.evaluate(globals=globals())
    else:
        reference._evaluate(globals(), globals(), recursive_guard=frozenset())

attempt("forward reference from the network", lambda: forward_reference(from_network(PAYLOAD)))
attempt("forward reference from the environment", lambda: forward_reference(os.environ["STAGE"]))
attempt("forward reference written in the program", lambda: forward_reference("print('PAYLOAD RAN', 'here') or int"))
attempt("forward reference that is a type", lambda: forward_reference("typing.Optional[int]"))
attempt("namedtuple from the network", lambda: collections.namedtuple("Row", from_network("a, b=print('PAYLOAD RAN')")))
attempt("dataclass field named from the network", lambda: dataclasses.dataclass(
    type("Record", (), {"__annotations__": {from_network("a=print('PAYLOAD RAN')"): int}})))
if "jinja2" in sys.argv:
    import jinja2
    template = "{{ cycler.__init__.__globals__.__builtins__.print('PAYLOAD RAN') }}"
    attempt("jinja2 template from the network",
            lambda: print(jinja2.Environment().from_string(from_network(template)).render()))
    attempt("jinja2 template from an untrusted file",
            lambda: print(jinja2.Environment(loader=jinja2.FileSystemLoader(sys.argv[2])).get_template(
                "page.html").render()))
"""


def test_generators_do_not_compile_text_from_outside(vigil_run, host_strict, project):
    arguments = []
    if stock_has("jinja2"):
        untrusted = project / "untrusted"
        write(untrusted / "page.html", "{{ cycler.__init__.__globals__.__builtins__.print('PAYLOAD RAN') }}\n")
        arguments = ["jinja2", str(untrusted)]
    program = write(project / "misuse.py", GENERATORS_MISUSED)
    host_strict.trust(program)
    run = vigil_run([str(program), *arguments], cwd=project,
                    env={"VIGIL_POLICY": host_strict.path, "STAGE": "print('PAYLOAD RAN', 'from STAGE') or int"})
    output = run.stdout.decode()
    assert run.returncode == 0, run.stderr.decode()[-3000:]
    assert "PAYLOAD RAN" not in output, output
    lines = dict(line.rsplit(" ", 1) for line in output.splitlines() if line.endswith(("ran", "refused")))
    assert lines.pop("forward reference that is a type") == "ran"
    assert set(lines.values()) == {"refused"}, output
    assert "namedtuple from the network failed: ValueError" in output  # namedtuple checks its names itself
    expected = 6 if arguments else 4
    assert len(lines) == expected, output
    refused_compiles = [e for e in events(run.records, "compile") if (e.get("decision") or {}).get("enforced")]
    # ForwardRef compiles in typing.py, from 3.14 in annotationlib.py.
    generator = lambda e: e["provenance"]["file"].rsplit("/", 1)[-1].replace("annotationlib.py", "typing.py")
    text_from = {(generator(e), e["provenance"].get("text_from")) for e in refused_compiles}
    assert {("typing.py", "network"), ("typing.py", "environment"), ("typing.py", None),
            ("dataclasses.py", "network")} <= text_from, text_from
    if arguments:
        assert ("environment.py", None) in text_from
    assert len(alerts(run.records, "trust.provenance")) == len(refused_compiles)


# The corpus's scripts that bring Python code from outside (downloads,
# decoders, marshal, sockets, children given code on their command line,
# stdin or environment) or tamper with the interpreter; trusted
# themselves, as if an attacker had slipped them into a trusted
# application. (Scripts whose payload is a shell command or a native
# program, such as fileless.py, are not about where Python code comes
# from.)
CODE_FROM_OUTSIDE = sorted(
    script for script in ATTACKS.glob("*.py")
    if script.stem.startswith(("dyncode_", "download_", "pyc_poison_", "mem_"))
    or (script.stem.startswith("rc_stager_") and script.stem != "rc_stager_pickle_reduce_network")
    or script.stem in {"fabricated_code", "spoofed_compile", "hook_tampering", "rc_evasion_audit_hook_tamper",
                       "deser_sourceless_pyc_loader", "rc_exec_dropped_pyc_runpy", "deser_pickle_partial_builtin_exec",
                       "deser_pickle_runpy_run_path", "rc_obf_child_python_c_b64", "rc_obf_rot13_xor_thread"})


def refused(records):
    """What strict refused of the program's own doing: an operation, or a
    whole child process at its start (exit 78)."""
    return [r for r in records
            if ((r.get("decision") or {}).get("enforced") and not starts_like_every_program(r))
            or (r["kind"] == "stop" and r.get("status") == 78)]


@pytest.mark.parametrize("script", CODE_FROM_OUTSIDE, ids=lambda path: path.stem)
def test_code_from_outside_is_still_refused(vigil_run, host_strict, tmp_path, script):
    home = tmp_path / "home"
    home.mkdir()
    host_strict.trust(script)
    run = vigil_run([str(script)], env={"VIGIL_POLICY": host_strict.path, "HOME": str(home)}, cwd=home, timeout=120)
    assert refused(run.records), \
        f"nothing was refused (exit {run.returncode}): {run.stderr.decode(errors='replace')[-2000:]}"
