# A service health check: processes listed from /proc (name, state, memory),
# local ports probed, a local HTTP health endpoint polled, load and memory
# read, and systemctl asked where it exists; results as JSON for a monitor.
import http.server, json, os, shutil, socket, subprocess, threading, urllib.request

processes = {}
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                arguments = cmdline.read().split(b"\0")
        except OSError:
            continue
        processes[int(entry)] = (fields["Name"].strip(), fields.get("VmRSS", "0 kB").strip(), arguments[0])
assert os.getpid() in processes


class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Health)
threading.Thread(target=server.serve_forever, daemon=True).start()
port = server.server_address[1]
report = {"processes": len(processes), "load": os.getloadavg()}
with socket.create_connection(("127.0.0.1", port), timeout=2):
    report["port_open"] = True
unused = socket.socket()
unused.bind(("127.0.0.1", 0))
closed_port = unused.getsockname()[1]
unused.close()
try:
    socket.create_connection(("127.0.0.1", closed_port), timeout=2).close()
except ConnectionRefusedError:
    report["closed_port_refused"] = True
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
report["health"] = json.load(opener.open(f"http://127.0.0.1:{port}/health", timeout=5))["status"]
with open("/proc/meminfo") as meminfo:
    report["memory"] = {line.split(":")[0]: line.split(":")[1].strip() for line in meminfo}["MemAvailable"]
if shutil.which("systemctl"):
    report["cron"] = subprocess.run(["systemctl", "is-active", "cron"], capture_output=True, text=True).stdout.strip()
report["ps"] = len(subprocess.run(["ps", "-eo", "pid,comm"], capture_output=True, text=True).stdout.splitlines())
server.shutdown()
with open(os.path.join(os.environ["BENIGN_WORKDIR"], "health.json"), "w") as out:
    json.dump(report, out)
assert report["health"] == "ok" and report["closed_port_refused"]
