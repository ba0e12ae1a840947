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
from unittest import mock

import requests

from magnum.common import exception
from magnum.conductor.handlers import cluster_conductor
from magnum import objects
from magnum.service import periodic
from oslo_service import loopingcall

from magnum_capi_sidecar import conf  # noqa: F401  (registers [capi_sidecar], also when this suite runs alone)
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

    def machine_template_server_group(self, release, part):
        """serverGroup of the OpenStackMachineTemplate the real chart rendered for a part (its name ends in a checksum)."""
        items = json.loads(self.kubectl("get", "openstackmachinetemplates.infrastructure.cluster.x-k8s.io", "-o", "json"))["items"]
        [template] = [t for t in items if t["metadata"]["name"].rsplit("-", 1)[0] == "%s-%s" % (release, part)]
        return template["spec"]["template"]["spec"].get("serverGroup")

    def test_server_groups_are_created_and_deleted_through_nova(self):
        """server_group_policies: the cluster's label places the control plane
        (and the default worker group, whose labels Magnum copies from the
        cluster), an extra group's own label places it; the groups are made in
        Nova as the user, reach the machine templates, refuse a policy Nova
        cannot change, and go with their node group and their cluster."""
        import uuid
        from magnum.conductor.handlers import nodegroup_conductor
        template = self.make_template()
        cluster = self.new_cluster(template, name="placed", labels={"server_group_policies": "anti-affinity"})
        self.handler.cluster_create(self.context, cluster, 1, 1, 60)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        release = cluster.stack_id
        groups = {g["name"]: g for g in self.cloud.server_groups.values()}
        self.assertEqual({release + "-control-plane": ("anti-affinity", base.PROJECT),
                          release + "-default-worker": ("anti-affinity", base.PROJECT)},
                         {n: (g["policy"], g["project_id"]) for n, g in groups.items()})
        self.assertEqual({"id": groups[release + "-control-plane"]["id"]}, self.machine_template_server_group(release, "control-plane"))
        self.assertEqual({"id": groups[release + "-default-worker"]["id"]}, self.machine_template_server_group(release, "default-worker"))
        self.play_ready(release, 1)
        cluster = self.sync_until(cluster.uuid, lambda c: c.status == "CREATE_COMPLETE")

        gpu = objects.NodeGroup(self.context, uuid=str(uuid.uuid4()), name="gpu", cluster_id=cluster.uuid,
                                project_id=cluster.project_id, role="worker", node_count=1, min_node_count=0,
                                flavor_id="m1.medium", image_id=template.image_id, is_default=False,
                                labels={"server_group_policies": "soft-affinity"})
        nodegroup_conductor.Handler().nodegroup_create(self.context, cluster, gpu)
        gpu_group = [g for g in self.cloud.server_groups.values() if g["name"] == release + "-gpu"]
        self.assertEqual([("soft-affinity", base.PROJECT)], [(g["policy"], g["project_id"]) for g in gpu_group])
        self.assertEqual({"id": gpu_group[0]["id"]}, self.machine_template_server_group(release, "gpu"))
        # Nothing made twice: each later render found the groups by name.
        self.assertEqual(3, len([c for c in self.cloud.server_group_calls if c[0] == "create"]))
        self.play_ready(release, 1)
        self.set_status("machinedeployments.cluster.x-k8s.io", release + "-gpu", {
            "phase": "Running", "replicas": 1, "readyReplicas": 1, "conditions": ok("Ready")})
        cluster = self.sync_until(cluster.uuid, lambda c: c.status == "UPDATE_COMPLETE")

        # A group Nova holds under another policy (made so before): Nova cannot change it, so the render is refused, reason first.
        control_plane = groups[release + "-control-plane"]
        control_plane["policy"] = "affinity"
        with self.assertRaises(exception.NotSupported) as ctx:
            self.handler.cluster_resize(self.context, cluster, 2, [], cluster.default_ng_worker)
        self.assertTrue(str(ctx.exception).startswith(
            "server_group_policies of the control plane cannot change from affinity to anti-affinity, as Nova cannot change "
            "the policy of its server group %s-control-plane;" % release), str(ctx.exception))
        self.assertEqual(1, self.get("machinedeployments.cluster.x-k8s.io", release + "-default-worker")["spec"]["replicas"])
        control_plane["policy"] = "anti-affinity"

        # The group goes with its node group, once the sidecar reports its machines gone.
        nodegroup_conductor.Handler().nodegroup_delete(self.context, cluster, objects.NodeGroup.get(self.context, cluster.uuid, "gpu"))
        self.sync_until(cluster.uuid, lambda c: "gpu" not in [ng.name for ng in c.nodegroups])
        self.assertEqual([release + "-control-plane", release + "-default-worker"],
                         sorted(g["name"] for g in self.cloud.server_groups.values()))
        self.assertIn(("delete", release + "-gpu", True), self.cloud.server_group_calls)

        self.handler.cluster_delete(self.context, cluster.uuid)
        self.sync_until(cluster.uuid, lambda c: c is None)
        self.assertEqual({}, self.cloud.server_groups)
        self.assertEqual([("delete", release + "-gpu", True), ("delete", release + "-control-plane", True),
                          ("delete", release + "-default-worker", True)],
                         [c for c in self.cloud.server_group_calls if c[0] == "delete"])


def _health_job_polls_failed():
    """Whether this Magnum's periodic health job lists CREATE_FAILED clusters
    (Magnum 23 does; Magnum 20 polls only complete and updating ones)."""
    import inspect
    return "CREATE_FAILED" in inspect.getsource(periodic.MagnumPeriodicTasks.sync_cluster_health_status)


def _lost_answer(method, path_suffix):
    """A Session.request that sends the matching call for real, then loses the
    answer as a read timeout would: the sidecar did the work, the shim cannot know."""
    real = requests.Session.request

    def request(session, m, url, *args, **kwargs):
        response = real(session, m, url, *args, **kwargs)
        if m == method and url.endswith(path_suffix):
            raise requests.ReadTimeout("read timed out (the test lost the answer)")
        return response
    return request


@unittest.skipUnless(all(os.environ.get(k) for k in ENV), "needs a running sidecar: see run-tests.sh")
class StatusYouCanTrustTest(ConductorFlowTest):
    """Issue 14: no UPDATE_COMPLETE before scaling, an unknown outcome left in
    progress, and a deadline-failed cluster healed by the health poll."""

    # The helpers are inherited; the whole lifecycle runs once, in the parent class.
    test_create_resize_delete = None
    test_server_groups_are_created_and_deleted_through_nova = None

    def created(self, name):
        template = self.make_template()
        cluster = self.new_cluster(template, name=name)
        self.handler.cluster_create(self.context, cluster, 1, 2, 60)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        return cluster, cluster.stack_id

    def health_poll(self, cluster_uuid):
        """One run of Magnum's periodic health job for the cluster, as it saves it."""
        cluster = objects.Cluster.get_by_uuid(self.context, cluster_uuid)
        try:
            periodic.ClusterHealthUpdateJob(self.context, cluster).update_health_status()
        except loopingcall.LoopingCallDone:
            pass
        return objects.Cluster.get_by_uuid(self.context, cluster_uuid)

    def test_update_of_node_count_waits_for_the_machine_deployment(self):
        cluster, release = self.created("trust-scale")
        self.play_ready(release, 2)
        cluster = self.sync_until(cluster.uuid, lambda c: c.status == "CREATE_COMPLETE")

        # update_cluster with a new node_count: Magnum leaves the node groups
        # COMPLETE; the shim marks the default worker group it changes, but the
        # sidecar waits for the MachineDeployment whatever the groups say.
        self.handler.cluster_update(self.context, cluster, 3, cluster.health_status, cluster.health_status_reason)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual("UPDATE_IN_PROGRESS", cluster.status)
        self.assertEqual({"default-master": "CREATE_COMPLETE", "default-worker": "UPDATE_IN_PROGRESS"},
                         {ng.name: ng.status for ng in cluster.nodegroups})
        md = self.get("machinedeployments.cluster.x-k8s.io", release + "-default-worker")
        self.assertEqual(3, md["spec"]["replicas"])
        # Until the watch cache has the new spec, wait for the node count to reach Magnum.
        cluster = self.sync_until(cluster.uuid, lambda c: c.default_ng_worker.node_count == 3)
        for _ in range(3):
            cluster = self.sync(cluster.uuid)
            self.assertEqual("UPDATE_IN_PROGRESS", cluster.status, cluster.status_reason)
        self.assertIn("node group default-worker", cluster.status_reason)

        self.set_status("machinedeployments.cluster.x-k8s.io", release + "-default-worker", {
            "phase": "Running", "replicas": 3, "readyReplicas": 3, "updatedReplicas": 3,
            "observedGeneration": md["metadata"]["generation"], "conditions": ok("Ready")})
        cluster = self.sync_until(cluster.uuid, lambda c: c.status == "UPDATE_COMPLETE")
        self.assertEqual(3, cluster.default_ng_worker.node_count)

    def test_a_create_whose_answer_was_lost_stays_in_progress_and_completes(self):
        template = self.make_template()
        cluster = self.new_cluster(template, name="trust-lost")
        with mock.patch.object(requests.Session, "request", _lost_answer("POST", "/v1/clusters")):
            # No exception reaches the conductor: it would write CREATE_FAILED for an outcome nobody knows.
            self.handler.cluster_create(self.context, cluster, 1, 2, 60)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual("CREATE_IN_PROGRESS", cluster.status)
        self.assertTrue(cluster.status_reason.startswith("outcome unknown: create"), cluster.status_reason)
        # The sidecar did create it, and the credential it may use was kept.
        self.assertEqual(1, len(self.cloud.app_creds))
        release = cluster.stack_id
        self.get("clusters.cluster.x-k8s.io", release)

        self.play_ready(release, 2)
        cluster = self.sync_until(cluster.uuid, lambda c: c.status == "CREATE_COMPLETE")
        self.assertEqual({"CREATE_COMPLETE"}, {ng.status for ng in cluster.nodegroups})

    def test_a_deadline_failed_cluster_is_healed_by_the_health_poll(self):
        if not _health_job_polls_failed():
            self.skipTest("this Magnum's health job polls no failed cluster (magnum/service/periodic.py "
                          "sync_cluster_health_status): nothing periodic reaches a failed cluster here")
        cluster, release = self.created("trust-heal")
        # What the sidecar writes once create_timeout passes without progress.
        cluster.status = "CREATE_FAILED"
        cluster.status_reason = "timed out after 60 minutes without progress; last seen: waiting for infrastructure"
        cluster.save()
        # Magnum's status job no longer polls it; its health job does.
        cluster = self.health_poll(cluster.uuid)
        self.assertEqual("CREATE_FAILED", cluster.status)
        self.assertEqual("UNHEALTHY", cluster.health_status)

        self.play_ready(release, 2)
        cluster = self.health_poll(cluster.uuid)
        self.assertEqual("CREATE_COMPLETE", cluster.status)
        self.assertTrue(cluster.status_reason.startswith("recovered: "), cluster.status_reason)
        self.assertEqual("HEALTHY", cluster.health_status)
        self.assertEqual({"CREATE_COMPLETE"}, {ng.status for ng in cluster.nodegroups})

    def test_a_failure_helm_reported_is_not_healed(self):
        cluster, release = self.created("trust-stays")
        self.play_ready(release, 2)
        cluster.status = "CREATE_FAILED"
        cluster.status_reason = "magnum-capi-sidecar: helm failed: UPGRADE FAILED: the server rejected it"
        cluster.save()
        cluster = self.health_poll(cluster.uuid)
        self.assertEqual(("CREATE_FAILED", "HEALTHY"), (cluster.status, cluster.health_status))
