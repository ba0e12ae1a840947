"""The shim's client certificate ([capi_sidecar] cert_file, key_file) over
real TLS: a stand-in sidecar that, like one started with tls.clientCA,
refuses the handshake without a certificate its CA signed. Certificates are
made with the openssl CLI for each run."""
import os
import shutil
import ssl
import subprocess
import tempfile

from magnum_capi_sidecar import client as sidecar
from tests import base
from tests.stub_sidecar import StubSidecar

HEALTH = ("GET", "/v1/clusters/u1/health")


def _openssl(cwd, *args):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, capture_output=True)


def _ca(cwd, name):
    _openssl(cwd, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key",
             "-out", name + ".pem", "-days", "1", "-subj", "/CN=" + name)


def _cert(cwd, name, ca, subject, ext):
    with open(os.path.join(cwd, name + ".ext"), "w") as f:
        f.write(ext)
    _openssl(cwd, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key",
             "-out", name + ".csr", "-subj", subject)
    _openssl(cwd, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
             "-CAcreateserial", "-out", name + ".pem", "-days", "1", "-extfile", name + ".ext")


class ClientCertificateTest(base.ShimTestCase):
    @classmethod
    def setUpClass(cls):
        super(ClientCertificateTest, cls).setUpClass()
        cls.dir = tempfile.mkdtemp(prefix="shim-tls-")
        for ca in ("server-ca", "client-ca", "other-ca"):
            _ca(cls.dir, ca)
        _cert(cls.dir, "server", "server-ca", "/CN=sidecar", "subjectAltName=IP:127.0.0.1\n")
        _cert(cls.dir, "conductor", "client-ca", "/O=Example Cloud/CN=magnum-conductor", "extendedKeyUsage=clientAuth\n")
        _cert(cls.dir, "forged", "other-ca", "/O=Example Cloud/CN=magnum-conductor", "extendedKeyUsage=clientAuth\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)
        super(ClientCertificateTest, cls).tearDownClass()

    def at(self, name):
        return os.path.join(self.dir, name)

    def setUp(self):
        super(ClientCertificateTest, self).setUp()
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(self.at("server.pem"), self.at("server.key"))
        tls.load_verify_locations(self.at("client-ca.pem"))
        tls.verify_mode = ssl.CERT_REQUIRED
        self.stub = StubSidecar(tls=tls)
        self.addCleanup(self.stub.stop)
        self.stub.on(HEALTH[0], HEALTH[1], 200, {"health_status": "HEALTHY", "health_status_reason": {}})
        self.config(ca_file=self.at("server-ca.pem"), status_retries=0, group="capi_sidecar")

    def health(self):
        return sidecar.Client(url=self.stub.url, token="t" * 20).cluster_health("u1")

    def test_presents_cert_file_and_key_file(self):
        self.config(cert_file=self.at("conductor.pem"), key_file=self.at("conductor.key"), group="capi_sidecar")
        self.assertEqual("HEALTHY", self.health()["health_status"])
        self.assertEqual({"organizationName": "Example Cloud", "commonName": "magnum-conductor"}, self.stub.client_subjects[0])

    def test_a_cert_file_holding_the_key_too(self):
        combined = self.at("conductor-combined.pem")
        with open(combined, "w") as out:
            for part in ("conductor.pem", "conductor.key"):
                with open(self.at(part)) as f:
                    out.write(f.read())
        self.config(cert_file=combined, group="capi_sidecar")
        self.assertEqual("HEALTHY", self.health()["health_status"])

    def test_without_a_certificate_the_sidecar_is_unreachable_and_says_so(self):
        with self.assertRaises(sidecar.SidecarUnavailable) as ctx:
            self.health()
        self.assertIn("unreachable", str(ctx.exception))
        self.assertEqual([], self.stub.requests)

    def test_a_certificate_of_another_ca_is_refused(self):
        self.config(cert_file=self.at("forged.pem"), key_file=self.at("forged.key"), group="capi_sidecar")
        self.assertRaises(sidecar.SidecarUnavailable, self.health)
        self.assertEqual([], self.stub.requests)

    def test_a_key_file_without_cert_file_is_a_clear_error(self):
        self.config(key_file=self.at("conductor.key"), group="capi_sidecar")
        with self.assertRaises(sidecar.SidecarUnavailable) as ctx:
            self.health()
        self.assertIn("key_file is set without cert_file", str(ctx.exception))
