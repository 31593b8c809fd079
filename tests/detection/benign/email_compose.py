# Mail composition: a multipart message with text, HTML and an attachment,
# headers with non-ASCII names, parsed back, saved to a Maildir and an mbox,
# and sent with smtplib to a small SMTP server on loopback.
import email, email.policy, mailbox, mimetypes, os, smtplib, socketserver, threading
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

workdir = os.environ["BENIGN_WORKDIR"]
report = os.path.join(workdir, "report.csv")
with open(report, "w") as out:
    out.write("host,status\nweb1,ok\n")
message = EmailMessage()
message["From"] = formataddr(("Cron Daemon", "root@localhost"))
message["To"] = formataddr(("Zoë Admin", "admin@localhost"))
message["Subject"] = "Nightly report — all good"
message["Message-ID"] = make_msgid(domain="localhost")
message.set_content("All hosts are fine.\n")
message.add_alternative("<p>All hosts are <b>fine</b>.</p>", subtype="html")
kind, _ = mimetypes.guess_type(report)
with open(report, "rb") as attachment:
    message.add_attachment(attachment.read(), maintype=kind.split("/")[0], subtype=kind.split("/")[1],
                           filename="report.csv")
parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
assert parsed["To"].addresses[0].display_name == "Zoë Admin"
assert [part.get_filename() for part in parsed.iter_attachments()] == ["report.csv"]
mailbox.Maildir(os.path.join(workdir, "Maildir"), create=True).add(message)
box = mailbox.mbox(os.path.join(workdir, "mbox"))
box.add(message)
box.flush()
box.close()

received = []


class SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 localhost ESMTP\r\n")
        data = None
        while line := self.rfile.readline():
            if data is not None:
                if line == b".\r\n":
                    received.append(b"".join(data))
                    data = None
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-localhost\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                data = []
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
threading.Thread(target=server.serve_forever, daemon=True).start()
with smtplib.SMTP("127.0.0.1", server.server_address[1], timeout=5) as smtp:
    smtp.send_message(message)
server.shutdown()
assert b"Nightly report" in received[0] or b"=?utf-8?" in received[0]
