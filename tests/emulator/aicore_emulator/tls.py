# Copyright: contributors to sap_aicore.admin
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Throw-away certificates for the TLS and mutual-TLS listeners.

Three authorities are generated at every start: one signs the server certificate (its PEM
is the CA file clients verify against), one signs the trusted client certificate (the
only one the mTLS listener accepts), and one signs an "untrusted" client certificate that
tests use to show the refusal. Certificates carry the extensions that strict verifiers
(Python 3.13's VERIFY_X509_STRICT) insist on. Files live in a private temp directory.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=30)
# Allow for clocks that are a little behind the one that issued the certificate.
BACKDATE = datetime.timedelta(hours=1)


@dataclass
class _Authority:
    """A CA key and its self-signed certificate."""

    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @classmethod
    def create(cls, common_name: str) -> _Authority:
        """A new self-signed CA."""
        key = ec.generate_private_key(ec.SECP256R1())
        builder = _builder(_name(common_name), _name(common_name), key.public_key())
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        builder = builder.add_extension(_key_usage(certificates=True), critical=True)
        return cls(key, builder.sign(key, hashes.SHA256()))

    def issue(self, common_name: str, usage: x509.ObjectIdentifier, names: list[x509.GeneralName]) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        """A leaf key and certificate for ``usage`` (server or client authentication)."""
        key = ec.generate_private_key(ec.SECP256R1())
        builder = _builder(_name(common_name), self.cert.subject, key.public_key())
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        builder = builder.add_extension(_key_usage(certificates=False), critical=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        return key, builder.sign(self.key, hashes.SHA256())


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _key_usage(certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=certificates,
        crl_sign=certificates,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass
class TlsFiles:
    """Paths of the generated PEM files, and the server contexts built from them."""

    directory: str
    ca_file: str
    server_cert: str
    server_key: str
    client_ca_file: str
    client_cert: str
    client_key: str
    untrusted_client_cert: str
    untrusted_client_key: str

    def server_context(self) -> ssl.SSLContext:
        """TLS for the API listener: server authentication only."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.server_cert, self.server_key)
        return context

    def mtls_context(self) -> ssl.SSLContext:
        """TLS for the token listener: the handshake demands a certificate of the client CA."""
        context = self.server_context()
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(self.client_ca_file)
        return context

    def remove(self) -> None:
        """Delete the directory and every file in it."""
        shutil.rmtree(self.directory, ignore_errors=True)


def create_tls_files(client_id: str, parent: str | None = None) -> TlsFiles:
    """Generate the three authorities and their leaves into a new private directory in ``parent``."""
    directory = tempfile.mkdtemp(prefix="aicore-emulator-", dir=parent)
    try:
        return _write_tls_files(directory, client_id)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _write_tls_files(directory: str, client_id: str) -> TlsFiles:
    def path(name: str) -> str:
        return os.path.join(directory, name)

    server_ca = _Authority.create("sap_aicore.admin emulator server CA")
    client_ca = _Authority.create("sap_aicore.admin emulator client CA")
    untrusted_ca = _Authority.create("sap_aicore.admin emulator untrusted CA")
    loopback = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    _write_pair(path("server"), *server_ca.issue("localhost", ExtendedKeyUsageOID.SERVER_AUTH, loopback))
    _write_pair(path("client"), *client_ca.issue(client_id, ExtendedKeyUsageOID.CLIENT_AUTH, []))
    _write_pair(path("untrusted-client"), *untrusted_ca.issue(client_id, ExtendedKeyUsageOID.CLIENT_AUTH, []))
    _write_file(path("ca.pem"), _cert_pem(server_ca.cert))
    _write_file(path("client-ca.pem"), _cert_pem(client_ca.cert))
    return TlsFiles(
        directory=directory,
        ca_file=path("ca.pem"),
        server_cert=path("server.pem"),
        server_key=path("server-key.pem"),
        client_ca_file=path("client-ca.pem"),
        client_cert=path("client.pem"),
        client_key=path("client-key.pem"),
        untrusted_client_cert=path("untrusted-client.pem"),
        untrusted_client_key=path("untrusted-client-key.pem"),
    )


def _write_pair(stem: str, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> None:
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    _write_file(f"{stem}-key.pem", key_pem)
    _write_file(f"{stem}.pem", _cert_pem(cert))


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _write_file(path: str, content: bytes) -> None:
    # Owner-only from the first byte: some of these files are private keys.
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(content)
