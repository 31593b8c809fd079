# Reading and writing settings in the formats hosts use: INI with
# configparser (interpolation), TOML with tomllib, a plist, a .netrc, shell
# quoting with shlex, environment files, and JSON with comments stripped.
import configparser, json, netrc, os, plistlib, re, shlex, tomllib

workdir = os.environ["BENIGN_WORKDIR"]
parser = configparser.ConfigParser(interpolation=configparser.ExtendedInterpolation())
parser.read_string("[paths]\nroot = /srv/app\nlogs = ${root}/log\n[server]\nport = 8080\ndebug = no\n")
assert parser["paths"]["logs"] == "/srv/app/log" and parser.getint("server", "port") == 8080
assert parser.getboolean("server", "debug") is False
parser["server"]["workers"] = "4"
with open(os.path.join(workdir, "app.ini"), "w") as out:
    parser.write(out)
settings = tomllib.loads('[database]\nurl = "sqlite:///app.db"\npool = 5\n[[jobs]]\nname = "backup"\ncron = "0 3 * * *"\n')
assert settings["jobs"][0]["name"] == "backup"
with open(os.path.join(workdir, "Info.plist"), "wb") as out:
    plistlib.dump({"CFBundleName": "App", "Version": 3, "Flags": [True, False]}, out)
with open(os.path.join(workdir, "Info.plist"), "rb") as back:
    assert plistlib.load(back)["Version"] == 3
with open(os.path.join(workdir, ".netrc"), "w") as out:
    out.write("machine backup.local login ops password s3cret\n")
os.chmod(os.path.join(workdir, ".netrc"), 0o600)
login, _, password = netrc.netrc(os.path.join(workdir, ".netrc")).authenticators("backup.local")
assert (login, password) == ("ops", "s3cret")
command = shlex.split("rsync -a --exclude='*.tmp' \"/srv/my files\" backup:/data")
assert command[3] == "/srv/my files" and shlex.join(["echo", "a b"]) == "echo 'a b'"
with open(os.path.join(workdir, "app.env"), "w") as out:
    out.write("# comment\nDATABASE_URL=postgres://db/app\nexport DEBUG='0'\n")
with open(os.path.join(workdir, "app.env")) as handle:
    variables = dict(re.match(r"(?:export\s+)?(\w+)=(.*)", line).groups() for line in handle
                     if line.strip() and not line.startswith("#"))
assert shlex.split(variables["DEBUG"]) == ["0"]
commented = '{\n  // the port\n  "port": 80, /* block */ "tls": true\n}'
assert json.loads(re.sub(r"//[^\n]*|/\*.*?\*/", "", commented, flags=re.S)) == {"port": 80, "tls": True}
