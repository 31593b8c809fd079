# paramiko imported the way deployment tools do, keys generated in memory
# and written in OpenSSH formats, fingerprints printed, a known_hosts file
# kept, and an SSH transport negotiated with a paramiko server over loopback.
import io, os, socket, threading

import paramiko

workdir = os.environ["BENIGN_WORKDIR"]
host_key = paramiko.RSAKey.generate(2048)
user_key = paramiko.ECDSAKey.generate(bits=256)
buffer = io.StringIO()
user_key.write_private_key(buffer, password="passphrase")
assert paramiko.ECDSAKey.from_private_key(io.StringIO(buffer.getvalue()), password="passphrase") == user_key
user_key.write_private_key_file(os.path.join(workdir, "id_ecdsa"))
with open(os.path.join(workdir, "id_ecdsa.pub"), "w") as out:
    out.write(f"{user_key.get_name()} {user_key.get_base64()} deploy@localhost\n")
assert len(host_key.get_fingerprint()) == 16
known = paramiko.HostKeys()
known.add("[127.0.0.1]:2222", host_key.get_name(), host_key)
known.save(os.path.join(workdir, "known_hosts"))
assert paramiko.HostKeys(os.path.join(workdir, "known_hosts")).lookup("[127.0.0.1]:2222")


class Server(paramiko.ServerInterface):
    def get_allowed_auths(self, username):
        return "publickey"

    def check_auth_publickey(self, username, key):
        return paramiko.AUTH_SUCCESSFUL if key == user_key else paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_exec_request(self, channel, command):
        commands.append(command)
        return True


listener = socket.create_server(("127.0.0.1", 0))


def serve():
    connection, _ = listener.accept()
    transport = paramiko.Transport(connection)
    transport.add_server_key(host_key)
    transport.start_server(server=Server())
    channel = transport.accept(10)
    started.wait(10)  # the client has its reply to the exec request
    channel.sendall(b"ran " + commands[0])
    channel.send_exit_status(0)
    channel.close()
    done.wait(10)
    transport.close()


commands, started, done = [], threading.Event(), threading.Event()
threading.Thread(target=serve, daemon=True).start()
client = paramiko.SSHClient()
client.get_host_keys().add(f"[127.0.0.1]:{listener.getsockname()[1]}", host_key.get_name(), host_key)
client.connect("127.0.0.1", port=listener.getsockname()[1], username="deploy", pkey=user_key, look_for_keys=False,
               allow_agent=False, timeout=10)
_, stdout, _ = client.exec_command("uptime")
started.set()
assert stdout.read() == b"ran uptime"
done.set()
client.close()
listener.close()
