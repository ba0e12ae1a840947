"""One Magnum in this process, set up as the operator guide's "Installing the
Magnum shim" says: its magnum.conf block word for word (only the sidecar's
URL and token are the test's), a fresh database migrated by Magnum's own
migrations, magnum-api's real paste pipeline without keystone's authtoken
filter, served on loopback, and the real conductor with Magnum's handlers
over oslo.messaging's fake transport. python-magnumclient talks to it over
HTTP, with the identity headers keystone's middleware would have set."""
import configparser
import os
import re
import sys
import tempfile
import threading
from unittest import mock
from wsgiref import simple_server

GUIDE = os.environ.get("MCS_E2E_GUIDE") or os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "docs", "operator-guide.md")
SECTION = "Installing the Magnum shim"

PROJECT = "9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b"


def guide_conf(path=GUIDE):
    """The first `ini` block of the guide's section, parsed. The section ends
    at the next heading outside a code block ("# ..." in one is a comment)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    fence, inside, block = None, False, None
    for line in lines:
        if fence is None and line.startswith("#"):
            if inside:
                break
            inside = re.match(r"^#+ %s\s*$" % re.escape(SECTION), line) is not None
            continue
        if line.startswith("```"):
            if fence is None:
                fence = line[3:].strip()
                if inside and fence == "ini" and block is None:
                    block = []
            else:
                fence = None
                if inside and block is not None:
                    break
            continue
        if inside and fence == "ini" and block is not None:
            block.append(line)
    if block is None:
        raise AssertionError("the section %r of %s has no ini block" % (SECTION, path))
    conf = configparser.ConfigParser(interpolation=None)
    conf.read_string("\n".join(block))
    return conf


def write_magnum_conf(workdir, sidecar_url, token_file):
    conf = guide_conf()
    # The guide's example sidecar is the test's: its URL and token; it serves http, so no CA.
    conf.set("capi_sidecar", "url", sidecar_url)
    conf.set("capi_sidecar", "token_file", token_file)
    conf.remove_option("capi_sidecar", "ca_file")
    # The longest wait the shim allows (under the conductor's 60 s RPC
    # timeout): eight test suites share two cores, and helm is slow then.
    conf.set("capi_sidecar", "timeout", "55")
    # What any Magnum needs and the guide leaves to Magnum's own install
    # guide, set for a test: the database, the message bus (oslo.messaging's
    # in-process fake), certificates kept in Magnum's database (not
    # Barbican), magnum-api's paste file.
    extra = {
        "DEFAULT": {"transport_url": "fake:/", "host": "test-conductor", "use_stderr": "true"},
        "database": {"connection": "sqlite:///%s" % os.path.join(workdir, "magnum.sqlite")},
        "certificates": {"cert_manager_type": "x509keypair"},
        "api": {"api_paste_config": os.path.join(workdir, "api-paste.ini")},
        "cluster": {"temp_cache_dir": os.path.join(workdir, "certs")},
    }
    for section, options in extra.items():
        if section != "DEFAULT" and not conf.has_section(section):
            conf.add_section(section)
        for key, value in options.items():
            conf.set(section, key, value)
    path = os.path.join(workdir, "magnum.conf")
    with open(path, "w", encoding="utf-8") as f:
        conf.write(f)
    return path


def write_paste_ini(workdir):
    """Magnum's installed api-paste.ini, with keystone's authtoken filter taken out of the pipeline."""
    installed = os.path.join(sys.prefix, "etc", "magnum", "api-paste.ini")
    with open(installed, encoding="utf-8") as f:
        text = f.read()
    line = re.search(r"^pipeline = .*$", text, re.M).group(0)
    if " authtoken " not in line:
        raise AssertionError("Magnum's pipeline has no authtoken filter to take out: %s" % line)
    text = text.replace(line, line.replace(" authtoken ", " "))
    with open(os.path.join(workdir, "api-paste.ini"), "w", encoding="utf-8") as f:
        f.write(text)


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Magnum(object):
    """magnum-api on a loopback port and one conductor, sharing one database."""

    def __init__(self, sidecar_url, token_file, cloud):
        self.workdir = tempfile.mkdtemp(prefix="magnum-api-")
        os.makedirs(os.path.join(self.workdir, "certs"))
        write_paste_ini(self.workdir)
        self.conf_file = write_magnum_conf(self.workdir, sidecar_url, token_file)
        self.cloud = cloud
        self._stops = []

    def start(self):
        from magnum.common import service as magnum_service
        magnum_service.prepare_service(["magnum-test", "--config-file", self.conf_file])
        # Only the OpenStack service clients are fake.
        patcher = mock.patch("magnum.common.clients.OpenStackClients", side_effect=self.cloud.clients)
        patcher.start()
        self._stops.append(patcher.stop)
        self._create_schema()
        self._start_conductor()
        self._start_api()
        return self

    @staticmethod
    def _create_schema():
        # Magnum's migrations alter constraints, which SQLite cannot: the
        # schema of its models, stamped as migrated, as Magnum's own tests do.
        from oslo_db.sqlalchemy import enginefacade
        from magnum.db import migration
        from magnum.db.sqlalchemy import models
        models.Base.metadata.create_all(enginefacade.writer.get_engine())
        migration.stamp("head")

    def _start_conductor(self):
        import magnum.conf
        from magnum.common import rpc_service
        from magnum.conductor.handlers import ca_conductor, cluster_conductor, conductor_listener
        from magnum.conductor.handlers import federation_conductor, indirection_api, nodegroup_conductor
        endpoints = [indirection_api.Handler(), cluster_conductor.Handler(), conductor_listener.Handler(),
                     ca_conductor.Handler(), federation_conductor.Handler(), nodegroup_conductor.Handler()]
        try:  # Magnum 2025.2 and later
            from magnum.conductor.handlers import credential_conductor
            endpoints.append(credential_conductor.Handler())
        except ImportError:
            pass
        conf = magnum.conf.CONF
        self.conductor = rpc_service.Service.create(conf.conductor.topic, conf.host, endpoints, binary="magnum-conductor")
        self.conductor.start()
        self._stops.append(self.conductor._server.stop)

    def _start_api(self):
        from magnum.api import app
        self.server = simple_server.make_server("127.0.0.1", 0, app.load_app(), handler_class=_QuietHandler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d/v1" % self.server.server_port
        self._stops.append(self.server.shutdown)

    def client(self, user_id="u1", roles="member,reader"):
        """python-magnumclient as `openstack coe` makes it, for one user of the project."""
        from keystoneauth1 import noauth
        from keystoneauth1 import session
        from magnumclient import client as magnum_client
        identity = {"X-User-Id": user_id, "X-Project-Id": PROJECT, "X-Roles": roles,
                    "X-User-Name": user_id, "X-Project-Name": "demo", "X-Auth-Token": "token-of-" + user_id}
        sess = session.Session(auth=noauth.NoAuth(), additional_headers=identity)
        return magnum_client.Client("1", session=sess, endpoint_override=self.url, api_version="latest")

    def periodic(self):
        return Periodic()

    def stop(self):
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception:
                pass


class Periodic(object):
    """Magnum's periodic tasks as the conductor runs them, one round when the
    test says. A round spawns a looping call per cluster and returns: the
    round ends when they do, so the test records the ones it started and
    waits for them (an error in one is raised here)."""

    def __init__(self):
        import magnum.conf
        from magnum.service import periodic
        self._periodic = periodic
        self._tasks = periodic.MagnumPeriodicTasks(magnum.conf.CONF)

    def run(self, task):
        started = []
        base = self._periodic.loopingcall.FixedIntervalLoopingCall

        class Recorded(base):
            def start(self, *args, **kwargs):
                started.append(self)
                return super(Recorded, self).start(*args, **kwargs)

        with mock.patch.object(self._periodic.loopingcall, "FixedIntervalLoopingCall", Recorded):
            getattr(self._tasks, task)(None)
        for call in started:
            call.wait()
        return len(started)
