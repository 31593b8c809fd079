# cryptography as services use it: a CA and a server certificate generated
# and written as PEM, data signed and verified, Fernet tokens, AES-GCM,
# a key derived with PBKDF2, and a TLS handshake over loopback with them.
import datetime, os, socket, ssl, threading

from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.x509.oid import NameOID

workdir = os.environ["BENIGN_WORKDIR"]
now = datetime.datetime.now(datetime.timezone.utc)


def certificate(subject, key, issuer, issuer_key, ca):
    builder = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)])).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
               .not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               # The key identifiers and usages strict verification wants (ssl's
               # default context has VERIFY_X509_STRICT from Python 3.13).
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                              critical=False)
               .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=not ca, key_cert_sign=ca,
                                            crl_sign=ca, content_commitment=False, data_encipherment=False,
                                            key_agreement=False, encipher_only=False, decipher_only=False),
                              critical=True))
    if not ca:
        builder = (builder.add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
                   .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    return builder.sign(issuer_key, hashes.SHA256())


ca_key = ec.generate_private_key(ec.SECP256R1())
ca = certificate("Benign CA", ca_key, "Benign CA", ca_key, True)
server_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
server = certificate("localhost", server_key, "Benign CA", ca_key, False)
paths = {name: os.path.join(workdir, name) for name in ("ca.pem", "server.pem", "server.key")}
with open(paths["ca.pem"], "wb") as out:
    out.write(ca.public_bytes(serialization.Encoding.PEM))
with open(paths["server.pem"], "wb") as out:
    out.write(server.public_bytes(serialization.Encoding.PEM))
with open(paths["server.key"], "wb") as out:
    out.write(server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.BestAvailableEncryption(b"secret")))
signature = server_key.sign(b"release-1.0.tar.gz", padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.MAX_LENGTH),
                            hashes.SHA256())
server_key.public_key().verify(signature, b"release-1.0.tar.gz",
                               padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.MAX_LENGTH), hashes.SHA256())
fernet = Fernet(Fernet.generate_key())
assert fernet.decrypt(fernet.encrypt(b"db password")) == b"db password"
aead, nonce = AESGCM(AESGCM.generate_key(bit_length=256)), os.urandom(12)
assert aead.decrypt(nonce, aead.encrypt(nonce, b"payload", b"header"), b"header") == b"payload"
key = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=b"salt", iterations=10000).derive(b"passphrase")
assert len(key) == 32

server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
server_context.load_cert_chain(paths["server.pem"], paths["server.key"], password=b"secret")
listener = socket.create_server(("127.0.0.1", 0))


def serve():
    connection, _ = listener.accept()
    with server_context.wrap_socket(connection, server_side=True) as tls:
        tls.sendall(tls.recv(100).upper())


threading.Thread(target=serve, daemon=True).start()
client_context = ssl.create_default_context(cafile=paths["ca.pem"])
with socket.create_connection(listener.getsockname(), timeout=5) as raw, \
        client_context.wrap_socket(raw, server_hostname="localhost") as tls:
    tls.sendall(b"hello")
    assert tls.recv(100) == b"HELLO"
    assert tls.getpeercert()["subject"][0][0][1] == "localhost"
listener.close()
