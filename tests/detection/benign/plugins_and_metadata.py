# Plugin discovery as applications do it: entry points and distribution
# metadata from importlib.metadata, modules found with pkgutil, plugins
# loaded from a directory with importlib, data files with importlib.resources.
import importlib, importlib.metadata, importlib.resources, importlib.util, os, pkgutil, sys

groups = importlib.metadata.entry_points()
scripts = groups.select(group="console_scripts")
assert any(entry.name == "pytest" for entry in scripts)
pytest_plugins = groups.select(group="pytest11")
for entry in list(pytest_plugins)[:3]:
    entry.load()
assert importlib.metadata.version("jinja2").startswith("3.")
assert importlib.metadata.metadata("flask")["Name"].lower() == "flask"
assert isinstance(importlib.metadata.requires("flask"), list)
assert "decoder" in {module.name for module in pkgutil.iter_modules(importlib.import_module("json").__path__)}
plugins = os.path.join(os.environ["BENIGN_WORKDIR"], "plugins")
os.makedirs(plugins)
for name, body in (("hello", "def run():\n    return 'hello'\n"), ("disk", "import shutil\n\ndef run():\n"
                                                                          "    return shutil.disk_usage('/').total > 0\n")):
    with open(os.path.join(plugins, f"{name}.py"), "w") as out:
        out.write(body)
loaded = {}
for finder, name, _ in pkgutil.iter_modules([plugins]):
    spec = importlib.util.spec_from_file_location(f"plugins.{name}", os.path.join(plugins, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    loaded[name] = module.run()
assert loaded == {"disk": True, "hello": "hello"}
sys.path.insert(0, plugins)
assert importlib.import_module("hello").run() == "hello"
assert "Template" in importlib.resources.files("jinja2").joinpath("__init__.py").read_text()
assert importlib.resources.files("email").joinpath("architecture.rst").is_file()
