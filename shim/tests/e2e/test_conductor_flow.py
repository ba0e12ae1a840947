"""Magnum's conductor drives a cluster through the real sidecar and a real
management cluster: create → status sync → CREATE_COMPLETE → credential
rotation → resize → delete → DELETE_COMPLETE. The test plays the Cluster
API controllers by writing `.status`; only the OpenStack clients are fake.

Needs MCS_SIDECAR_URL, MCS_SIDECAR_TOKEN_FILE, MCS_E2E_KUBECONFIG and
MCS_KUBECTL (run-tests.sh starts a sidecar and sets them)."""
import json
import os
import subprocess
import time
import unittest

from magnum.common import exception
from magnum.conductor.handlers import cluster_conductor
from magnum import objects
from magnum.service import periodic
from oslo_service import loopingcall

from tests import base

ENV = ("MCS_SIDECAR_URL", "MCS_SIDECAR_TOKEN_FILE", "MCS_E2E_KUBECONFIG", "MCS_KUBECTL")
NS = "magnum-9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b"
T = "2026-01-01T00:00:00Z"


def ok(*types):
    return [{"type": t, "status": "True", "lastTransitionTime": T} for t in types]


@unittest.skipUnless(all(os.environ.get(k) for k in ENV), "needs a running sidecar: see run-tests.sh")
class ConductorFlowTest(base.ShimTestCase):
    def setUp(self):
        super(ConductorFlowTest, self).setUp()
        self.config(url=os.environ["MCS_SIDECAR_URL"], token_file=os.environ["MCS_SIDECAR_TOKEN_FILE"], group="capi_sidecar")
        self.handler = cluster_conductor.Handler()

    def kubectl(self, *args):
        cmd = [os.environ["MCS_KUBECTL"], "--kubeconfig", os.environ["MCS_E2E_KUBECONFIG"], "-n", NS] + list(args)
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

    def set_status(self, resource, name, status):
        self.kubectl("patch", resource, name, "--subresource=status", "--type=merge", "-p", json.dumps({"status": status}))

    def get(self, resource, name):
        return json.loads(self.kubectl("get", resource, name, "-o", "json"))

    def sync(self, cluster_uuid):
        """One run of Magnum's periodic status job; None once Magnum destroyed the cluster."""
        try:
            cluster = objects.Cluster.get_by_uuid(self.context, cluster_uuid)
        except exception.ClusterNotFound:
            return None
        try:
            periodic.ClusterUpdateJob(self.context, cluster).update_status()
        except loopingcall.LoopingCallDone:
            pass
        try:
            return objects.Cluster.get_by_uuid(self.context, cluster_uuid)
        except exception.ClusterNotFound:
            return None

    def sync_until(self, cluster_uuid, done, timeout=30):
        deadline = time.time() + timeout
        cluster = None
        while time.time() < deadline:
            cluster = self.sync(cluster_uuid)
            if done(cluster):
                return cluster
            time.sleep(0.5)
        self.fail("cluster never reached the expected state; last: %s" % (cluster and (cluster.status, cluster.status_reason)))

    def play_ready(self, release, workers):
        self.kubectl("patch", "clusters.cluster.x-k8s.io", release, "--type=merge", "-p",
                     json.dumps({"spec": {"controlPlaneEndpoint": {"host": "203.0.113.20", "port": 6443}}}))
        self.set_status("openstackclusters.infrastructure.cluster.x-k8s.io", release, {"ready": True, "conditions": ok("Ready")})
        self.set_status("clusters.cluster.x-k8s.io", release, {"phase": "Provisioned", "conditions": ok("InfrastructureReady", "ControlPlaneReady", "Ready")})
        self.set_status("kubeadmcontrolplanes.controlplane.cluster.x-k8s.io", release + "-control-plane", {
            "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "version": "v1.31.4",
            "conditions": ok("MachinesReady", "Ready", "EtcdClusterHealthy", "ControlPlaneComponentsHealthy")})
        self.set_status("machinedeployments.cluster.x-k8s.io", release + "-default-worker", {
            "phase": "Running", "replicas": workers, "readyReplicas": workers, "conditions": ok("Ready")})
        # The addon provider: the real chart renders Manifests as well as HelmReleases.
        for kind in ("helmreleases.addons.stackhpc.com", "manifests.addons.stackhpc.com"):
            for item in json.loads(self.kubectl("get", kind, "-o", "json"))["items"]:
                if item["spec"]["clusterName"] == release:
                    self.set_status(kind, item["metadata"]["name"], {"phase": "Deployed"})

    def rotate_credential(self, cluster):
        try:
            from magnum.conductor.handlers import credential_conductor
        except ImportError:  # before Magnum 2025.2 no API reaches the driver's rotate_credential
            from magnum.drivers.common import driver as magnum_driver
            return magnum_driver.Driver.get_driver_for_cluster(self.context, cluster).rotate_credential(self.context, cluster)
        return credential_conductor.Handler().credential_rotate(self.context, cluster)

    def test_create_resize_delete(self):
        template = self.make_template()
        cluster = self.new_cluster(template, name="conductor-flow")
        self.handler.cluster_create(self.context, cluster, 1, 2, 60)

        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual("CREATE_IN_PROGRESS", cluster.status)
        self.assertRegex(cluster.stack_id, r"^conductor-flow-[a-z2-7]{12}$")
        release = cluster.stack_id
        self.assertEqual(1, len(self.cloud.app_creds))

        cluster = self.sync(cluster.uuid)
        self.assertEqual("CREATE_IN_PROGRESS", cluster.status)
        self.assertIn("waiting", cluster.status_reason)

        self.play_ready(release, 2)
        cluster = self.sync_until(cluster.uuid, lambda c: c.status == "CREATE_COMPLETE")
        self.assertEqual("https://203.0.113.20:6443", cluster.api_address)
        self.assertEqual("v1.31.4", cluster.coe_version)
        self.assertEqual({"CREATE_COMPLETE"}, {ng.status for ng in cluster.nodegroups})

        # A node-group name reaches the sidecar as one path segment, whatever it holds.
        from magnum_capi_sidecar import client as sidecar
        from magnum_capi_sidecar import driver
        spec = driver.Driver()._spec(self.context, cluster, resolve=False)
        with self.assertRaises(exception.InvalidParameterValue) as ctx:
            sidecar.Client().update_nodegroup(cluster.uuid, spec, "gpu/a100?x=1#frag 50%")
        self.assertIn('node group "gpu/a100?x=1#frag 50%" is not in the spec', str(ctx.exception))

        # Another user rotates the credential: the sidecar names the one it
        # replaced, and only that one goes.
        [created] = list(self.cloud.app_creds)
        self.context.user_id = "u2"
        self.rotate_credential(cluster)
        [rotated] = list(self.cloud.app_creds)
        self.assertNotEqual(created, rotated)
        self.assertEqual("u2", self.cloud.app_creds[rotated].user_id)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual(("u2", "UPDATE_COMPLETE"), (cluster.user_id, cluster.status))

        self.handler.cluster_resize(self.context, cluster, 3, [], cluster.default_ng_worker)
        self.assertEqual(3, self.get("machinedeployments.cluster.x-k8s.io", release + "-default-worker")["spec"]["replicas"])
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual("UPDATE_IN_PROGRESS", cluster.status)
        self.play_ready(release, 3)
        cluster = self.sync_until(cluster.uuid, lambda c: c.status == "UPDATE_COMPLETE")
        self.assertEqual(3, cluster.default_ng_worker.node_count)

        self.handler.cluster_delete(self.context, cluster.uuid)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual("DELETE_IN_PROGRESS", cluster.status)
        # Magnum destroys the rows once the driver reports DELETE_COMPLETE.
        self.sync_until(cluster.uuid, lambda c: c is None)
        self.assertEqual({}, self.cloud.app_creds)
        secrets = json.loads(self.kubectl("get", "secrets", "-o", "json"))["items"]
        self.assertEqual([], [s for s in secrets if s["metadata"]["name"].startswith(release)])

    def test_node_group_labels_and_taints_reach_its_kubeadm_config_template(self):
        """Magnum 2026.2 (API 1.14) stores node labels and taints on a node
        group; they must reach its kubelet's registration. An older Magnum has
        no such fields: the same path sends none and the group is created."""
        import uuid
        from magnum.conductor.handlers import nodegroup_conductor
        template = self.make_template()
        cluster = self.new_cluster(template, name="labelled")
        self.handler.cluster_create(self.context, cluster, 1, 1, 60)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        release = cluster.stack_id
        self.play_ready(release, 1)
        cluster = self.sync_until(cluster.uuid, lambda c: c.status == "CREATE_COMPLETE")

        has_fields = "node_labels" in objects.NodeGroup.fields
        extra = {}
        if has_fields:
            extra = {"node_labels": {"example.com/accelerator": "a100"},
                     "node_taints": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"},
                                     {"key": "example.com/dedicated", "effect": "PreferNoSchedule"}]}
        gpu = objects.NodeGroup(self.context, uuid=str(uuid.uuid4()), name="gpu", cluster_id=cluster.uuid,
                                project_id=cluster.project_id, role="worker", node_count=1, min_node_count=0,
                                flavor_id="m1.medium", image_id=template.image_id, is_default=False, labels={}, **extra)
        nodegroup_conductor.Handler().nodegroup_create(self.context, cluster, gpu)
        self.assertEqual("CREATE_IN_PROGRESS", objects.NodeGroup.get(self.context, cluster.uuid, "gpu").status)

        # Selected by label, not name: the real chart adds a checksum to the template's name.
        templates = json.loads(self.kubectl(
            "get", "kubeadmconfigtemplates.bootstrap.cluster.x-k8s.io", "-o", "json",
            "-l", "capi.stackhpc.com/cluster=%s,capi.stackhpc.com/node-group=gpu" % release))["items"]
        self.assertEqual(1, len(templates))
        registration = templates[0]["spec"]["template"]["spec"]["joinConfiguration"]["nodeRegistration"]
        node_labels = registration["kubeletExtraArgs"].get("node-labels", "")
        if has_fields:
            self.assertIn("example.com/accelerator=a100", node_labels.split(","))
            self.assertEqual([{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"},
                              {"key": "example.com/dedicated", "effect": "PreferNoSchedule"}], registration["taints"])
        else:
            self.assertNotIn("example.com/accelerator=a100", node_labels)
            self.assertNotIn("taints", registration)

        self.handler.cluster_delete(self.context, cluster.uuid)
        self.sync_until(cluster.uuid, lambda c: c is None)
