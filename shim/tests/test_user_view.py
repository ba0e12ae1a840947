"""What a Magnum user sees of the shim's work, through Magnum's own conductor
handlers and periodic jobs against a stand-in sidecar: the statuses the
groups take, the titles magnum-api makes of its errors, the health job's
answer for a cluster without a release, and the key pairs left after delete."""
import logging

import fixtures
from magnum.common import exception
from magnum.conductor.handlers import cluster_conductor
from magnum.conductor.handlers.common import cert_manager
from magnum import objects
from magnum.service import periodic
from oslo_service import loopingcall

from magnum_capi_sidecar import client as sidecar
from tests import test_driver

ACCEPTED = {"stack_id": "c-abcdefghijkl", "namespace": "n", "revision": 2}


def title(message):
    """The error title magnum-api makes of a message (ParsableErrorMiddleware)."""
    return message.split(".", 1)[0]


class UpdateMarksTheGroupTest(test_driver.DriverTestCase):
    def test_a_node_count_update_keeps_the_cluster_in_progress_until_the_group_settles(self):
        cluster = self.make_cluster(self.template, stack_id="c-abcdefghijkl")
        self.sidecar.on("PUT", "/v1/clusters/%s" % cluster.uuid, 202, ACCEPTED)
        cluster_conductor.Handler().cluster_update(self.context, cluster, 3, None, None)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual(("UPDATE_IN_PROGRESS", 3), (cluster.default_ng_worker.status, cluster.default_ng_worker.node_count))
        # The control plane did not change: its status stays.
        self.assertEqual("CREATE_COMPLETE", cluster.default_ng_master.status)

        # The status sync then tells the sidecar the group is in progress,
        # which keeps the cluster in progress until its MachineDeployment settles.
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200, self.status_answer("UPDATE_IN_PROGRESS"))
        self.sync(cluster)
        method, path, body = self.sidecar.requests[-1]
        groups = {ng["name"]: ng["status"] for ng in body["nodegroups"]}
        self.assertEqual({"default-master": "CREATE_COMPLETE", "default-worker": "UPDATE_IN_PROGRESS"}, groups)

    def test_a_refused_update_leaves_the_group_as_it_was(self):
        cluster = self.make_cluster(self.template, stack_id="c-abcdefghijkl")
        self.sidecar.on("PUT", "/v1/clusters/%s" % cluster.uuid, 409, {"error": {"code": "conflict", "message": "busy"}})
        self.assertRaises(exception.Conflict, cluster_conductor.Handler().cluster_update, self.context, cluster, 3, None, None)
        worker = objects.Cluster.get_by_uuid(self.context, cluster.uuid).default_ng_worker
        self.assertEqual(("CREATE_COMPLETE", 2), (worker.status, worker.node_count))


class RefusedCreateTest(test_driver.DriverTestCase):
    def create(self, cluster):
        self.assertRaises(exception.MagnumException, cluster_conductor.Handler().cluster_create, self.context, cluster, 1, 2, 60)
        return objects.Cluster.get_by_uuid(self.context, cluster.uuid)

    def test_a_refusal_of_the_values_fails_every_group_with_the_clusters_reason(self):
        message = "The network driver \"flannel\" cannot be installed by the openstack-cluster chart: use calico or cilium"
        self.sidecar.on("POST", "/v1/values", 422, {"error": {"code": "magnum_rule", "message": message}})
        cluster = self.create(self.new_cluster(self.template, name="flannel"))
        self.assertEqual(("CREATE_FAILED", message), (cluster.status, cluster.status_reason))
        self.assertEqual([("CREATE_FAILED", message)] * 2, [(ng.status, ng.status_reason) for ng in cluster.nodegroups])

    def test_a_failed_create_fails_every_group_too(self):
        self.sidecar.on("POST", "/v1/values", 200, {"release": "failed-abcdefghijkl"})
        self.sidecar.on("POST", "/v1/clusters", 502, {"error": {"code": "helm_failed", "message": "helm upgrade exit 1: boom"}})
        cluster = self.create(self.new_cluster(self.template, name="failed"))
        self.assertEqual("CREATE_FAILED", cluster.status)
        self.assertEqual({("CREATE_FAILED", cluster.status_reason)}, {(ng.status, ng.status_reason) for ng in cluster.nodegroups})

    def test_an_image_that_cannot_be_resolved_fails_every_group(self):
        self.cloud.images.clear()
        cluster = self.create(self.new_cluster(self.template, name="no-image"))
        self.assertEqual({("CREATE_FAILED", cluster.status_reason)}, {(ng.status, ng.status_reason) for ng in cluster.nodegroups})
        self.assertEqual([], self.sidecar.requests)


class TitleTest(test_driver.DriverTestCase):
    def test_every_sidecar_answer_reads_right_as_the_title_magnum_shows(self):
        client = sidecar.Client(url=self.sidecar.url, token="t" * 20)
        cases = [
            # (status, code, message, the title magnum-api makes of the exception's text)
            (422, "not_supported", "Kubernetes cannot be downgraded. The cluster runs v1.31.4, the new template's image has v1.30.2",
             "Kubernetes cannot be downgraded"),
            (422, "not_supported", "downgrading Kubernetes from v1.31.4 to v1.30.2 is not supported",
             "Not supported by the Cluster API driver"),
            (422, "magnum_rule", "node group name \"gpu.a\" must have at least 3 letters or digits",
             "Refused by the Cluster API driver"),
            (422, "magnum_rule", "Image 6a1e does not have a kube_version property.", "Image 6a1e does not have a kube_version property"),
            (404, "not_found", "no cluster x.y is managed here", "Not found by the Cluster API driver"),
            (409, "conflict", "cannot resize: the cluster is being deleted", "cannot resize: the cluster is being deleted"),
            (502, "helm_failed", "helm upgrade: chart openstack-cluster-0.27.0.tgz not found", "magnum-capi-sidecar failed"),
            (503, "helm_release_locked", "another operation is in progress", "magnum-capi-sidecar is unreachable: another operation is in progress"),
        ]
        for status, code, message, expected in cases:
            self.sidecar.answers[("PUT", "/v1/clusters/u1")] = [(status, {"error": {"code": code, "message": message}})]
            with self.assertRaises(exception.MagnumException) as ctx:
                client.update_cluster("u1", {})
            text = str(ctx.exception)
            self.assertEqual(expected, title(text), text)
            # Nothing of the sidecar's message is lost: the title only leads it.
            self.assertIn(message, text)


class HealthWithoutReleaseTest(test_driver.DriverTestCase):
    def health(self, cluster):
        logs = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertRaises(loopingcall.LoopingCallDone, periodic.ClusterHealthUpdateJob(self.context, cluster).update_health_status)
        return objects.Cluster.get_by_uuid(self.context, cluster.uuid), logs.output

    def test_a_cluster_refused_before_its_release_was_named_is_unknown_without_a_call(self):
        cluster = self.make_cluster(self.template, status="CREATE_FAILED", stack_id=None)
        cluster, logs = self.health(cluster)
        self.assertEqual("UNKNOWN", cluster.health_status)
        self.assertEqual({"cluster": "the cluster has no release"}, cluster.health_status_reason)
        self.assertEqual(("", []), (logs, self.sidecar.requests))

    def test_a_release_the_sidecar_does_not_hold_is_unknown_and_quiet(self):
        cluster = self.make_cluster(self.template, status="CREATE_FAILED", stack_id="c-abcdefghijkl")
        self.sidecar.on("GET", "/v1/clusters/%s/health?nodegroup=default-worker" % cluster.uuid, 404, {"error": {
            "code": "not_found", "message": "no cluster %s is managed here" % cluster.uuid}})
        cluster, logs = self.health(cluster)
        self.assertEqual(("UNKNOWN", {"cluster": "the sidecar manages no release of this cluster"}),
                         (cluster.health_status, cluster.health_status_reason))
        self.assertEqual("", logs)


class DeleteCompleteKeyPairsTest(test_driver.DriverTestCase):
    def test_no_key_pair_of_the_cluster_outlives_it(self):
        cluster = self.make_cluster(self.template, status="DELETE_IN_PROGRESS", stack_id="c-abcdefghijkl")
        cert_manager.generate_certificates_to_cluster(cluster, context=self.context)
        cluster.save()
        refs = {cluster.ca_cert_ref, cluster.magnum_cert_ref, cluster.etcd_ca_cert_ref, cluster.front_proxy_ca_cert_ref}
        self.assertEqual(refs, {kp.uuid for kp in objects.X509KeyPair.list(self.context)})
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200, self.status_answer("DELETE_COMPLETE"))
        self.assertIsNone(self.sync(cluster))
        self.assertEqual([], objects.X509KeyPair.list(self.context))

    def test_key_pairs_stay_while_the_delete_runs(self):
        cluster = self.make_cluster(self.template, status="DELETE_IN_PROGRESS", stack_id="c-abcdefghijkl")
        cert_manager.generate_certificates_to_cluster(cluster, context=self.context)
        cluster.save()
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200, self.status_answer("DELETE_IN_PROGRESS"))
        self.sync(cluster)
        self.assertEqual(4, len(objects.X509KeyPair.list(self.context)))
