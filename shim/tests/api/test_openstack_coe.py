"""What a user of `openstack coe` sees, end to end: python-magnumclient
against Magnum's real API application and conductor (tests/api/site.py),
configured as the operator guide says, the real sidecar on the real
openstack-cluster chart and the real local management cluster. Magnum's
periodic status and health jobs run when the test says; the test plays the
Cluster API controllers by writing `.status`; only the OpenStack service
clients are fake.

Needs what run-tests.sh provides: MCS_SIDECAR_URL, MCS_SIDECAR_TOKEN_FILE,
MCS_E2E_KUBECONFIG, MCS_KUBECTL, and MCS_E2E_CHART_REPO (the real chart's
repository; empty when the packaged charts are absent, and then this suite
skips)."""
import json
import logging
import os
import subprocess
import time
import unittest

import fixtures

from tests import fakes
from tests.api import cloud as api_cloud
from tests.api import site

ENV = ("MCS_SIDECAR_URL", "MCS_SIDECAR_TOKEN_FILE", "MCS_E2E_KUBECONFIG", "MCS_KUBECTL")
NS = "magnum-" + site.PROJECT
T = "2026-01-01T00:00:00Z"
NEW_IMAGE = "7b2f1c55-64d9-4d3f-8a5f-1f1f3c8e6c2b"
NO_VERSION_IMAGE = "8c3a2d66-75ea-4e40-9b60-2a2a4d9f7d3c"
SKIP_CHARTS = ("needs the real openstack-cluster chart: run-tests.sh serves it when the packaged charts "
               "are in ../shared/reference/charts (or MCS_TEST_CHARTS_DIR)")


def ok(*types):
    return [{"type": t, "status": "True", "lastTransitionTime": T} for t in types]


def _rotation_api():
    """Magnum 2025.2 (21) and later have `openstack coe credential rotate`."""
    try:
        from magnum.conductor.handlers import credential_conductor  # noqa: F401
    except ImportError:
        return False
    return True


def _skip_reason():
    if not all(os.environ.get(k) for k in ENV):
        return "needs a running sidecar: see run-tests.sh"
    if not os.environ.get("MCS_E2E_CHART_REPO"):
        return SKIP_CHARTS
    return None


class OpenstackCoeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if _skip_reason():
            # Here, not as a decorator: one line for the whole suite, not one per test.
            raise unittest.SkipTest(_skip_reason())
        cls.cloud = api_cloud.ApiCloud()
        cls.cloud.add_image(NEW_IMAGE, "ubuntu-2204-kube-v1.32.2", "v1.32.2")
        cls.cloud.add_image(NO_VERSION_IMAGE, "ubuntu-2204-plain", None)
        cls.magnum = site.Magnum(os.environ["MCS_SIDECAR_URL"], os.environ["MCS_SIDECAR_TOKEN_FILE"], cls.cloud).start()
        cls.coe = cls.magnum.client()
        cls.tasks = cls.magnum.periodic()

    @classmethod
    def tearDownClass(cls):
        cls.magnum.stop()

    # --- Magnum's periodic jobs, run by the test -------------------------

    def sync(self):
        self.tasks.run("sync_cluster_status")

    def health(self):
        """One round of the health job; how many clusters it polled."""
        return self.tasks.run("sync_cluster_health_status")

    def cluster(self, ident):
        from magnumclient import exceptions
        try:
            return self.coe.clusters.get(ident)
        except exceptions.NotFound:
            return None

    def wait(self, what, done, timeout=60, sync=True):
        """Until done(value) is true, value = what(); a status sync before each look when `sync`."""
        deadline = time.time() + timeout
        value = None
        while time.time() < deadline:
            if sync:
                self.sync()
            value = what()
            if done(value):
                return value
            time.sleep(0.3)
        self.fail("never reached the expected state; last: %s" % (value and getattr(value, "_info", value)))

    def status_of(self, ident, *statuses, **kw):
        return self.wait(lambda: self.cluster(ident), lambda c: c is not None and c.status in statuses, **kw)

    # --- Cluster API, played by the test ----------------------------------

    def kubectl(self, *args):
        cmd = [os.environ["MCS_KUBECTL"], "--kubeconfig", os.environ["MCS_E2E_KUBECONFIG"], "-n", NS] + list(args)
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            self.fail("kubectl %s: %s" % (" ".join(args[:3]), done.stderr.strip()))
        return done.stdout

    def get(self, resource, name):
        return json.loads(self.kubectl("get", resource, name, "-o", "json"))

    def exists(self, resource, name):
        out = self.kubectl("get", resource, "--ignore-not-found", "-o", "name", "--field-selector", "metadata.name=" + name)
        return bool(out.strip())

    def set_status(self, resource, name, status):
        self.kubectl("patch", resource, name, "--subresource=status", "--type=merge", "-p", json.dumps({"status": status}))

    def observed(self, resource, name):
        return self.get(resource, name)["metadata"]["generation"]

    def play_group(self, release, group, replicas):
        md = "machinedeployments.cluster.x-k8s.io"
        name = "%s-%s" % (release, group)
        self.set_status(md, name, {
            "phase": "Running", "observedGeneration": self.observed(md, name), "replicas": replicas,
            "updatedReplicas": replicas, "readyReplicas": replicas, "conditions": ok("Ready")})

    def play_control_plane(self, release, version):
        kcp = "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io"
        name = release + "-control-plane"
        self.set_status(kcp, name, {
            "observedGeneration": self.observed(kcp, name), "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1,
            "version": version, "conditions": ok("MachinesReady", "Ready", "EtcdClusterHealthy", "ControlPlaneComponentsHealthy")})

    def play_addons(self, release):
        for kind in ("helmreleases.addons.stackhpc.com", "manifests.addons.stackhpc.com"):
            for item in json.loads(self.kubectl("get", kind, "-o", "json"))["items"]:
                if item["spec"].get("clusterName") == release:
                    self.set_status(kind, item["metadata"]["name"], {"phase": "Deployed"})

    def play_ready(self, release, workers, version="v1.31.4"):
        # The conductor's create runs on after the release name is saved: until helm applied it.
        self.wait(lambda: self.exists("clusters.cluster.x-k8s.io", release), bool, sync=False)
        self.kubectl("patch", "clusters.cluster.x-k8s.io", release, "--type=merge", "-p",
                     json.dumps({"spec": {"controlPlaneEndpoint": {"host": "203.0.113.20", "port": 6443}}}))
        self.set_status("openstackclusters.infrastructure.cluster.x-k8s.io", release, {"ready": True, "conditions": ok("Ready")})
        self.set_status("clusters.cluster.x-k8s.io", release, {
            "phase": "Provisioned", "conditions": ok("InfrastructureReady", "ControlPlaneReady", "Ready")})
        self.play_control_plane(release, version)
        for group, count in workers.items():
            self.play_group(release, group, count)
        self.play_addons(release)

    # --- the user's side --------------------------------------------------

    def template(self, name, image=fakes.IMAGE_ID, **options):
        """A template with only the options the guide documents (and `options`)."""
        return self.coe.cluster_templates.create(
            name=name, coe="kubernetes", image_id=image, external_network_id=api_cloud.EXTERNAL_NET_NAME,
            master_flavor_id="m1.medium", flavor_id="m1.medium", **options)

    def create(self, name, template, node_count=2):
        uuid = self.coe.clusters.create(name=name, cluster_template_id=template.uuid, node_count=node_count,
                                        master_count=1, keypair=api_cloud.KEYPAIR).uuid
        # The conductor takes the cast on its own thread; the API answered
        # already, and cannot show the cluster before its groups exist.
        return self.wait(lambda: self._created(uuid), lambda c: c and (c.status != "CREATE_IN_PROGRESS" or self.release(uuid)),
                         sync=False)

    def release(self, uuid):
        """The release name the shim saved as stack_id (Magnum's API does not show it)."""
        from magnum.common import context
        from magnum import objects
        return objects.Cluster.get_by_uuid(context.make_admin_context(all_tenants=True), uuid).stack_id

    def _created(self, uuid):
        from magnumclient import exceptions
        try:
            return self.coe.clusters.get(uuid)
        except (exceptions.NotFound, exceptions.BadRequest):
            return None

    def complete(self, name, template):
        """A new cluster, through the status sync to CREATE_COMPLETE; (uuid, release)."""
        cluster = self.create(name, template)
        uuid, release = cluster.uuid, self.release(cluster.uuid)
        self.play_ready(release, {"default-worker": 2})
        self.status_of(uuid, "CREATE_COMPLETE")
        return uuid, release

    def delete(self, uuid):
        self.coe.clusters.delete(uuid)
        self.wait(lambda: self.cluster(uuid), lambda c: c is None)

    def groups(self, uuid):
        return {ng.name: self.coe.nodegroups.get(uuid, ng.uuid) for ng in self.coe.nodegroups.list(uuid)}

    def test_a_cluster_from_create_to_delete(self):
        template = self.template("k8s")
        self.assertEqual("calico", template.network_driver)  # the guide's default, not Magnum's flannel

        cluster = self.create("demo", template)
        uuid, release = cluster.uuid, self.release(cluster.uuid)
        self.assertEqual("CREATE_IN_PROGRESS", cluster.status)
        self.assertRegex(release, r"^demo-[a-z2-7]{12}$")
        self.sync()
        self.assertEqual("CREATE_IN_PROGRESS", self.cluster(uuid).status)

        self.play_ready(release, {"default-worker": 2})
        cluster = self.status_of(uuid, "CREATE_COMPLETE")
        self.assertEqual(("https://203.0.113.20:6443", "v1.31.4"), (cluster.api_address, cluster.coe_version))
        self.assertEqual({"CREATE_COMPLETE"}, {ng.status for ng in self.groups(uuid).values()})
        self.health()
        self.assertEqual("HEALTHY", self.cluster(uuid).health_status)

        # `openstack coe cluster update demo replace node_count=3`: not
        # complete until the MachineDeployment has observed its new spec.
        self.coe.clusters.update(uuid, [{"op": "replace", "path": "/node_count", "value": 3}])
        self.status_of(uuid, "UPDATE_IN_PROGRESS", sync=False)
        md = "machinedeployments.cluster.x-k8s.io"
        self.assertEqual(3, self.get(md, release + "-default-worker")["spec"]["replicas"])
        self.sync()
        cluster = self.cluster(uuid)
        self.assertEqual("UPDATE_IN_PROGRESS", cluster.status, cluster.status_reason)
        self.assertEqual("UPDATE_IN_PROGRESS", self.groups(uuid)["default-worker"].status)
        self.play_group(release, "default-worker", 3)
        self.status_of(uuid, "UPDATE_COMPLETE")
        self.assertEqual((3, "UPDATE_COMPLETE"), (self.groups(uuid)["default-worker"].node_count,
                                                  self.groups(uuid)["default-worker"].status))

        # `openstack coe cluster resize demo 2`
        self.coe.clusters.resize(uuid, 2)
        self.status_of(uuid, "UPDATE_IN_PROGRESS", sync=False)
        self.assertEqual(2, self.get(md, release + "-default-worker")["spec"]["replicas"])
        self.play_group(release, "default-worker", 2)
        self.status_of(uuid, "UPDATE_COMPLETE")

        # Node groups: create, update, delete.
        self.coe.nodegroups.create(uuid, name="gpu-pool", node_count=1, flavor_id="m1.large")
        self.wait(lambda: self.exists(md, release + "-gpu-pool"), bool, sync=False)
        self.assertEqual("CREATE_IN_PROGRESS", self.groups(uuid)["gpu-pool"].status)
        self.play_group(release, "gpu-pool", 1)
        self.wait(lambda: self.groups(uuid)["gpu-pool"].status, lambda s: s == "CREATE_COMPLETE")
        self.coe.nodegroups.update(uuid, "gpu-pool", [{"op": "replace", "path": "/max_node_count", "value": 3}])
        self.wait(lambda: self.groups(uuid)["gpu-pool"].status, lambda s: s == "UPDATE_IN_PROGRESS", sync=False)
        self.play_group(release, "gpu-pool", 1)
        self.wait(lambda: self.groups(uuid)["gpu-pool"].status, lambda s: s == "UPDATE_COMPLETE")
        self.coe.nodegroups.delete(uuid, "gpu-pool")
        self.wait(lambda: self.groups(uuid), lambda g: "gpu-pool" not in g)
        self.assertFalse(self.exists(md, release + "-gpu-pool"))
        self.status_of(uuid, "UPDATE_COMPLETE")

        # `openstack coe credential rotate demo`, by another member (Magnum 2025.2 and later).
        if _rotation_api():
            [before] = list(self.cloud.app_creds)
            self.magnum.client(user_id="u2").credentials.update(uuid)
            [after] = list(self.cloud.app_creds)
            self.assertNotEqual(before, after)
            self.assertEqual("u2", self.cloud.app_creds[after].user_id)
            self.assertEqual("UPDATE_COMPLETE", self.cluster(uuid).status)

        # `openstack coe cluster delete demo`: gone from the API once nothing of it is left.
        self.coe.clusters.delete(uuid)
        self.status_of(uuid, "DELETE_IN_PROGRESS", sync=False)
        self.wait(lambda: self.cluster(uuid), lambda c: c is None)
        self.assertEqual({}, self.cloud.app_creds)
        self.assertEqual([], self.keypairs())
        secrets = json.loads(self.kubectl("get", "secrets", "-o", "json"))["items"]
        self.assertEqual([], [s["metadata"]["name"] for s in secrets if s["metadata"]["name"].startswith(release)])

    def test_an_upgrade_and_a_refused_downgrade(self):
        from magnumclient import exceptions
        template = self.template("k8s-1.31")
        uuid, release = self.complete("upgraded", template)
        # `openstack coe cluster upgrade upgraded k8s-1.32`, then back: refused.
        newer = self.template("k8s-1.32", image=NEW_IMAGE)
        self.coe.clusters.upgrade(uuid, newer.uuid)
        cluster = self.cluster(uuid)
        self.assertEqual(("UPDATE_IN_PROGRESS", newer.uuid), (cluster.status, cluster.cluster_template_id))
        kcp = "kubeadmcontrolplanes.controlplane.cluster.x-k8s.io"
        self.assertEqual("v1.32.2", self.get(kcp, release + "-control-plane")["spec"]["version"])
        self.sync()
        self.assertEqual("UPDATE_IN_PROGRESS", self.cluster(uuid).status)
        self.play_control_plane(release, "v1.32.2")
        self.play_group(release, "default-worker", 2)
        cluster = self.status_of(uuid, "UPDATE_COMPLETE")
        self.assertEqual("v1.32.2", cluster.coe_version)
        with self.assertRaises(exceptions.BadRequest) as ctx:
            self.coe.clusters.upgrade(uuid, template.uuid)
        # What `openstack coe cluster upgrade` prints: the title, then the status.
        self.assertEqual("Kubernetes cannot be downgraded (HTTP 400)", str(ctx.exception).split(" (Request-ID")[0])
        cluster = self.cluster(uuid)
        self.assertEqual(("UPDATE_COMPLETE", newer.uuid), (cluster.status, cluster.cluster_template_id))

        self.delete(uuid)

    def test_a_refused_create_fails_its_groups_and_the_health_job_stays_quiet(self):
        template = self.template("no-version", image=NO_VERSION_IMAGE)
        cluster = self.create("refused", template)
        uuid = cluster.uuid
        cluster = self.status_of(uuid, "CREATE_FAILED", sync=False)
        self.assertEqual("Image %s does not have a kube_version property." % NO_VERSION_IMAGE, cluster.status_reason)
        self.assertEqual({("CREATE_FAILED", cluster.status_reason)},
                         {(ng.status, ng.status_reason) for ng in self.groups(uuid).values()})
        logs = fixtures.FakeLogger(level=logging.WARNING)
        logs.setUp()
        self.addCleanup(logs.cleanUp)
        polled = self.health()
        self.assertEqual("", logs.output)
        # Magnum 2026.2 polls the health of failed clusters too (before, only
        # complete and updating ones); this is the only cluster left.
        if polled:
            self.assertEqual("UNKNOWN", self.cluster(uuid).health_status)
        self.coe.clusters.delete(uuid)
        self.wait(lambda: self.cluster(uuid), lambda c: c is None)

    def test_flannel_is_refused_by_magnum_api_as_the_guide_configures_it(self):
        from magnumclient import exceptions
        with self.assertRaises(exceptions.BadRequest) as ctx:
            self.template("flannel", network_driver="flannel")
        self.assertIn("flannel", str(ctx.exception))
        self.assertEqual("cilium", self.template("cilium", network_driver="cilium").network_driver)

    def keypairs(self):
        from magnum.common import context
        from magnum import objects
        return objects.X509KeyPair.list(context.make_admin_context(all_tenants=True))
