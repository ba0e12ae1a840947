"""The driver inside Magnum's own conductor handlers and periodic jobs, against
a stand-in sidecar over real HTTP; only the OpenStack clients are fake."""
import os
import tempfile

from magnum.common import exception
from magnum import objects
from magnum.service import periodic
from oslo_service import loopingcall

from magnum_capi_sidecar import conf  # noqa: F401  (registers [capi_sidecar])
from tests import base
from tests import fakes
from tests import stub_sidecar


class DriverTestCase(base.ShimTestCase):
    def setUp(self):
        super(DriverTestCase, self).setUp()
        self.sidecar = stub_sidecar.StubSidecar()
        self.addCleanup(self.sidecar.stop)
        fd, token = tempfile.mkstemp()
        os.write(fd, b"t" * 24)
        os.close(fd)
        self.addCleanup(os.unlink, token)
        self.config(url=self.sidecar.url, token_file=token, status_retries=0, group="capi_sidecar")
        self.template = self.make_template()
        # Every render asks first which server groups it needs (the dry run): none, unless a test says.
        self.sidecar.defaults[("POST", "/v1/values")] = (200, lambda body: {
            "release": body["cluster"]["stack_id"], "server_groups": []})

    def writes(self):
        """The requests to the sidecar other than dry runs."""
        return [r for r in self.sidecar.requests if r[:2] != ("POST", "/v1/values")]

    def status_answer(self, status, nodegroups=(), deleted=(), **cluster):
        answer = {"cluster": dict({"status": status, "status_reason": None}, **cluster),
                  "nodegroups": list(nodegroups), "deleted_nodegroups": list(deleted)}
        return answer

    def sync(self, cluster):
        """One run of Magnum's periodic status job for the cluster; None once Magnum destroyed it."""
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertRaises(loopingcall.LoopingCallDone, periodic.ClusterUpdateJob(self.context, cluster).update_status)
        try:
            return objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        except exception.ClusterNotFound:
            return None


class DeleteCompleteTest(DriverTestCase):
    def test_a_keystone_failure_does_not_keep_the_cluster_from_being_removed(self):
        cluster = self.make_cluster(self.template, status="DELETE_IN_PROGRESS", stack_id="c-abcdefghijkl")
        cred = self.cloud._create_app_cred("u1", "magnum-%s-0a0b0c0d" % cluster.uuid, "")
        self.cloud.delete_error = RuntimeError("keystone is down")
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200,
                        dict(self.status_answer("DELETE_COMPLETE"), application_credential_id=cred.id))
        # Magnum polls only *_IN_PROGRESS clusters: one left at DELETE_COMPLETE would stay forever.
        self.assertIsNone(self.sync(cluster))

    def test_the_credential_is_deleted_with_the_cluster(self):
        cluster = self.make_cluster(self.template, status="DELETE_IN_PROGRESS", stack_id="c-abcdefghijkl")
        cred = self.cloud._create_app_cred("u1", "magnum-%s-0a0b0c0d" % cluster.uuid, "")
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200,
                        dict(self.status_answer("DELETE_COMPLETE"), application_credential_id=cred.id))
        self.assertIsNone(self.sync(cluster))
        self.assertEqual({}, self.cloud.app_creds)


class CreateFailureTest(DriverTestCase):
    def test_a_refused_create_reports_the_sidecars_reason_even_if_the_credential_cleanup_fails(self):
        from magnum.conductor.handlers import cluster_conductor
        cluster = self.new_cluster(self.template, name="refused")
        self.sidecar.on("POST", "/v1/values", 200, {"release": "refused-abcdefghijkl"})
        self.sidecar.on("POST", "/v1/clusters", 422, {"error": {"code": "magnum_rule", "message": "The flavor does not have enough RAM to run Kubernetes. Flavor m1.medium: minimum 2048 MB required."}})
        self.cloud.delete_error = RuntimeError("keystone is down")
        self.assertRaises(exception.InvalidParameterValue, cluster_conductor.Handler().cluster_create, self.context, cluster, 1, 2, 60)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        reason = "The flavor does not have enough RAM to run Kubernetes. Flavor m1.medium: minimum 2048 MB required."
        self.assertEqual(("CREATE_FAILED", reason), (cluster.status, cluster.status_reason))
        self.assertEqual("refused-abcdefghijkl", cluster.stack_id)


    def create(self, status, payload):
        from magnum.conductor.handlers import cluster_conductor
        cluster = self.new_cluster(self.template, name="failing")
        self.sidecar.on("POST", "/v1/values", 200, {"release": "failing-abcdefghijkl"})
        self.sidecar.on("POST", "/v1/clusters", status, payload)
        self.assertRaises(exception.MagnumException, cluster_conductor.Handler().cluster_create, self.context, cluster, 1, 2, 60)
        return objects.Cluster.get_by_uuid(self.context, cluster.uuid)

    def test_a_refused_create_takes_back_the_credential(self):
        cluster = self.create(409, {"error": {"code": "conflict", "message": "the cluster is being deleted"}})
        self.assertEqual("CREATE_FAILED", cluster.status)
        self.assertEqual({}, self.cloud.app_creds)

    def test_a_create_that_failed_in_helm_keeps_the_credential(self):
        # The sidecar wrote the credential's secret before helm failed: Cluster API may use it.
        cluster = self.create(502, {"error": {"code": "helm_failed", "message": "helm install exit 1"}})
        self.assertEqual("CREATE_FAILED", cluster.status)
        [cred] = self.cloud.app_creds.values()
        self.assertTrue(cred.name.startswith("magnum-%s-" % cluster.uuid))

    def test_a_create_that_timed_out_is_left_in_progress_and_keeps_the_credential(self):
        # The outcome is unknown (helm may still be running): no CREATE_FAILED
        # for it, the status poll decides; the credential the cluster may use stays.
        import time
        from magnum.conductor.handlers import cluster_conductor
        self.config(async_timeout=1, timeout=30, group="capi_sidecar")

        def slow(body):
            time.sleep(1.5)
            return {"stack_id": "failing-abcdefghijkl", "namespace": "n", "revision": 1}

        cluster = self.new_cluster(self.template, name="failing")
        self.sidecar.on("POST", "/v1/values", 200, {"release": "failing-abcdefghijkl"})
        self.sidecar.on("POST", "/v1/clusters", 201, slow)
        cluster_conductor.Handler().cluster_create(self.context, cluster, 1, 2, 60)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual("CREATE_IN_PROGRESS", cluster.status)
        self.assertTrue(cluster.status_reason.startswith("outcome unknown: create"), cluster.status_reason)
        self.assertEqual(1, len(self.cloud.app_creds))

    def test_asynchronous_calls_wait_longer_than_the_synchronous_timeout(self):
        # A create whose helm takes longer than `timeout` still gets its answer.
        import time
        self.config(async_timeout=5, timeout=1, group="capi_sidecar")

        def slow(body):
            time.sleep(1.5)
            return {"stack_id": "slow-abcdefghijkl", "namespace": "n", "revision": 1}

        from magnum.conductor.handlers import cluster_conductor
        cluster = self.new_cluster(self.template, name="slow")
        self.sidecar.on("POST", "/v1/values", 200, {"release": "slow-abcdefghijkl"})
        self.sidecar.on("POST", "/v1/clusters", 201, slow)
        cluster_conductor.Handler().cluster_create(self.context, cluster, 1, 2, 60)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual(("CREATE_IN_PROGRESS", None), (cluster.status, cluster.status_reason))


class StatusAnswerTest(DriverTestCase):
    def test_addresses_land_on_the_node_groups(self):
        cluster = self.make_cluster(self.template, status="CREATE_IN_PROGRESS", stack_id="c-abcdefghijkl")
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200, self.status_answer(
            "CREATE_COMPLETE", api_address="https://203.0.113.9:6443", coe_version="v1.31.4",
            master_addresses=["10.0.0.4"], node_addresses=["10.0.0.5", "10.0.0.6"],
            nodegroups=[
                {"name": "default-master", "status": "CREATE_COMPLETE", "status_reason": None, "node_count": 1, "node_addresses": ["10.0.0.4"]},
                {"name": "default-worker", "status": "CREATE_COMPLETE", "status_reason": None, "node_count": 2, "node_addresses": ["10.0.0.6", "10.0.0.5"]},
            ]))
        cluster = self.sync(cluster)
        self.assertEqual(("CREATE_COMPLETE", "https://203.0.113.9:6443", "v1.31.4"), (cluster.status, cluster.api_address, cluster.coe_version))
        self.assertEqual(["10.0.0.4"], cluster.master_addresses)
        self.assertEqual(["10.0.0.6", "10.0.0.5"], cluster.default_ng_worker.node_addresses)
        # The cluster's own addresses are the node groups' (its order), not the answer's top level.
        self.assertEqual(["10.0.0.6", "10.0.0.5"], cluster.node_addresses)

    def test_a_gone_default_group_with_old_addresses_does_not_stop_delete_complete(self):
        cluster = self.make_cluster(self.template, status="DELETE_IN_PROGRESS", stack_id="c-abcdefghijkl")
        worker = cluster.default_ng_worker
        worker.node_addresses = ["10.0.0.5"]
        worker.save()
        # The sidecar leaves groups whose resources are gone out of `nodegroups`;
        # Magnum's Cluster.node_addresses is computed from the groups' rows.
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200, self.status_answer(
            "DELETE_COMPLETE", master_addresses=[], node_addresses=[], nodegroups=[]))
        self.assertIsNone(self.sync(cluster))


class MasterResizeTest(DriverTestCase):
    """Magnum's API asks the driver before resizing the control plane; the sidecar can do it."""

    def driver(self):
        from magnum.drivers.common import driver as magnum_driver
        return magnum_driver.Driver.get_driver("vm", "ubuntu", "kubernetes")

    def test_the_size_rule_is_magnums_own(self):
        # Not a copy of it: a change of Magnum's rule reaches creates and resizes alike.
        from magnum.drivers.common import driver as magnum_driver
        from magnum_capi_sidecar import driver
        self.assertIs(magnum_driver.Driver.validate_master_size, driver.Driver.validate_master_size)

    def test_an_odd_control_plane_size_is_accepted(self):
        self.driver().validate_master_resize(3)
        self.driver().validate_master_size(1)

    def test_an_even_or_empty_control_plane_is_refused_with_magnums_error(self):
        for count in (0, 2, 4):
            self.assertRaises(exception.MasterNGSizeInvalid, self.driver().validate_master_resize, count)
            self.assertRaises(exception.MasterNGSizeInvalid, self.driver().validate_master_size, count)

    def test_the_conductor_resizes_the_control_plane(self):
        from magnum.conductor.handlers import cluster_conductor
        cluster = self.make_cluster(self.template, stack_id="c-abcdefghijkl")
        self.sidecar.on("POST", "/v1/clusters/%s/actions/resize" % cluster.uuid, 202, {"stack_id": "c-abcdefghijkl", "namespace": "n", "revision": 2})
        cluster_conductor.Handler().cluster_resize(self.context, cluster, 3, [], cluster.default_ng_master)
        [(method, path, body)] = self.writes()
        self.assertEqual((3, "default-master"), (body["node_count"], body["nodegroup"]))
        self.assertEqual(3, body["spec"]["cluster"]["master_count"])
        self.assertEqual("UPDATE_IN_PROGRESS", objects.Cluster.get_by_uuid(self.context, cluster.uuid).status)


class UpgradeTest(DriverTestCase):
    def test_a_refused_upgrade_leaves_the_cluster_as_it_was(self):
        from magnum.conductor.handlers import cluster_conductor
        cluster = self.make_cluster(self.template, stack_id="c-abcdefghijkl")
        new_template = self.make_template()
        self.sidecar.on("POST", "/v1/clusters/%s/actions/upgrade" % cluster.uuid, 422, {"error": {
            "code": "not_supported", "message": "Kubernetes cannot be downgraded. The cluster runs v1.31.4, the new template's image has v1.30.2"}})
        with self.assertRaises(exception.NotSupported) as ctx:
            cluster_conductor.Handler().cluster_upgrade(self.context, cluster, new_template, 1, cluster.default_ng_worker)
        self.assertEqual("Kubernetes cannot be downgraded. The cluster runs v1.31.4, the new template's image has v1.30.2", str(ctx.exception))
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual(("CREATE_COMPLETE", self.template.uuid), (cluster.status, cluster.cluster_template_id))
        self.assertEqual({"CREATE_COMPLETE"}, {ng.status for ng in cluster.nodegroups})

    def test_an_accepted_upgrade_moves_the_cluster_to_the_new_template(self):
        from magnum.conductor.handlers import cluster_conductor
        cluster = self.make_cluster(self.template, stack_id="c-abcdefghijkl")
        new_template = self.make_template()
        self.sidecar.on("POST", "/v1/clusters/%s/actions/upgrade" % cluster.uuid, 202, {"stack_id": "c-abcdefghijkl", "namespace": "n", "revision": 3})
        cluster_conductor.Handler().cluster_upgrade(self.context, cluster, new_template, 1, cluster.default_ng_worker)
        [(method, path, body)] = self.writes()
        self.assertEqual(new_template.uuid, body["spec"]["cluster_template"]["uuid"])
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual(("UPDATE_IN_PROGRESS", new_template.uuid), (cluster.status, cluster.cluster_template_id))
        self.assertEqual({"UPDATE_IN_PROGRESS"}, {ng.status for ng in cluster.nodegroups})


class RotateCredentialTest(DriverTestCase):
    def setUp(self):
        super(RotateCredentialTest, self).setUp()
        self.cluster = self.make_cluster(self.template, stack_id="c-abcdefghijkl")
        self.old = self.cloud._create_app_cred("u1", "magnum-%s-0a0b0c0d" % self.cluster.uuid, "")
        self.unrelated = self.cloud._create_app_cred("u1", "my-own-credential", "")
        self.path = "/v1/clusters/%s/actions/rotate-credential" % self.cluster.uuid
        self.context.user_id = "u2"

    def rotate(self):
        try:
            from magnum.conductor.handlers import credential_conductor
        except ImportError:  # before Magnum 2025.2 no API reaches the driver's rotate_credential
            from magnum.drivers.common import driver as magnum_driver
            return magnum_driver.Driver.get_driver_for_cluster(self.context, self.cluster).rotate_credential(self.context, self.cluster)
        return credential_conductor.Handler().credential_rotate(self.context, self.cluster)

    def accepted(self, replaced):
        return {"stack_id": "c-abcdefghijkl", "namespace": "n", "revision": 4,
                "replaced_application_credential_id": replaced}

    def test_the_previous_credential_goes_once_the_new_one_is_applied(self):
        self.sidecar.on("POST", self.path, 202, self.accepted(self.old.id))
        self.rotate()
        [(method, path, body)] = self.writes()
        new_id = body["credentials"]["application_credential_id"]
        self.assertEqual({new_id, self.unrelated.id}, set(self.cloud.app_creds))
        self.assertEqual("u2", self.cloud.app_creds[new_id].user_id)
        # The credential is the rotating user's: so is the cluster, as with magnum-capi-helm.
        self.assertEqual("u2", body["cluster"]["user_id"])
        self.assertEqual("u2", objects.Cluster.get_by_uuid(self.context, self.cluster.uuid).user_id)

    def test_an_overlapping_rotations_credential_is_kept(self):
        # Another rotation of the same cluster (a retry after the RPC timed
        # out) made its credential meanwhile, and the sidecar applied it after
        # ours: it is the one in use now. Ours replaced only the old one.
        overlapping = []

        def answer(body):
            overlapping.append(self.cloud._create_app_cred("u2", "magnum-%s-1a1b1c1d" % self.cluster.uuid, ""))
            return self.accepted(self.old.id)

        self.sidecar.on("POST", self.path, 202, answer)
        self.rotate()
        [(method, path, body)] = self.writes()
        new_id = body["credentials"]["application_credential_id"]
        self.assertEqual({new_id, overlapping[0].id, self.unrelated.id}, set(self.cloud.app_creds))

    def test_nothing_replaced_deletes_nothing(self):
        self.sidecar.on("POST", self.path, 202, self.accepted(None))
        self.rotate()
        [(method, path, body)] = self.writes()
        new_id = body["credentials"]["application_credential_id"]
        self.assertEqual({self.old.id, new_id, self.unrelated.id}, set(self.cloud.app_creds))

    def test_the_new_credential_is_never_deleted_as_the_replaced_one(self):
        self.sidecar.on("POST", self.path, 202, lambda body: self.accepted(body["credentials"]["application_credential_id"]))
        self.rotate()
        [(method, path, body)] = self.writes()
        self.assertIn(body["credentials"]["application_credential_id"], self.cloud.app_creds)

    def test_a_replaced_credential_magnum_did_not_make_for_this_cluster_is_left_alone(self):
        self.sidecar.on("POST", self.path, 202, self.accepted(self.unrelated.id))
        self.rotate()
        [(method, path, body)] = self.writes()
        new_id = body["credentials"]["application_credential_id"]
        self.assertEqual({self.old.id, new_id, self.unrelated.id}, set(self.cloud.app_creds))

    def test_a_replaced_credential_of_the_rotating_user_is_found_too(self):
        # An earlier rotation by u2 had an unknown outcome: its credential was
        # applied, but the cluster still names u1. Keystone finds it only under u2.
        earlier = self.cloud._create_app_cred("u2", "magnum-%s-2a2b2c2d" % self.cluster.uuid, "")
        self.sidecar.on("POST", self.path, 202, self.accepted(earlier.id))
        self.rotate()
        self.assertNotIn(earlier.id, self.cloud.app_creds)
        self.assertIn(self.old.id, self.cloud.app_creds)

    def test_a_keystone_failure_deleting_the_replaced_credential_is_no_error(self):
        self.cloud.delete_error = RuntimeError("keystone is down")
        self.sidecar.on("POST", self.path, 202, self.accepted(self.old.id))
        self.rotate()
        self.assertIn(self.old.id, self.cloud.app_creds)
        self.assertEqual("u2", objects.Cluster.get_by_uuid(self.context, self.cluster.uuid).user_id)

    def test_a_refused_rotation_takes_back_the_new_credential(self):
        self.sidecar.on("POST", self.path, 409, {"error": {"code": "conflict", "message": "cannot rotate the credential: the cluster is being deleted"}})
        self.assertRaises(exception.Conflict, self.rotate)
        self.assertEqual({self.old.id, self.unrelated.id}, set(self.cloud.app_creds))
        cluster = objects.Cluster.get_by_uuid(self.context, self.cluster.uuid)
        self.assertEqual("u1", cluster.user_id)
        # Nothing happened: the status stays, as Magnum leaves it for a refused upgrade.
        self.assertEqual(("CREATE_COMPLETE", None), (cluster.status, cluster.status_reason))

    def test_an_unknown_outcome_keeps_both_credentials(self):
        # helm failed after the sidecar wrote the new credential's secret: either may be in use.
        self.sidecar.on("POST", self.path, 502, {"error": {"code": "helm_failed", "message": "helm upgrade exit 1"}})
        self.assertRaises(exception.MagnumException, self.rotate)
        self.assertEqual(3, len(self.cloud.app_creds))
        self.assertIn(self.old.id, self.cloud.app_creds)

    def test_an_unknown_outcome_fails_the_update_with_the_reason(self):
        # Magnum's credential conductor sets no status: after an RPC timeout
        # the status is the only place the user learns the outcome.
        self.sidecar.on("POST", self.path, 502, {"error": {"code": "helm_failed", "message": "helm upgrade exit 1"}})
        self.assertRaises(exception.MagnumException, self.rotate)
        cluster = objects.Cluster.get_by_uuid(self.context, self.cluster.uuid)
        self.assertEqual(("UPDATE_FAILED", "u1"), (cluster.status, cluster.user_id))
        self.assertIn("unknown outcome", cluster.status_reason)
        self.assertIn("helm upgrade exit 1", cluster.status_reason)

    def test_a_rotation_without_an_answer_is_left_in_progress_for_the_status_poll(self):
        # A timeout is an outcome nobody knows: no UPDATE_FAILED for it. The
        # cluster goes in progress, the status poll decides, both credentials stay.
        import time
        self.config(timeout=1, group="capi_sidecar")

        def slow(body):
            time.sleep(1.5)
            return self.accepted(self.old.id)

        self.sidecar.on("POST", self.path, 202, slow)
        self.rotate()
        cluster = objects.Cluster.get_by_uuid(self.context, self.cluster.uuid)
        self.assertEqual(("UPDATE_IN_PROGRESS", "u1"), (cluster.status, cluster.user_id))
        self.assertTrue(cluster.status_reason.startswith("outcome unknown: credential rotation"), cluster.status_reason)
        self.assertEqual(3, len(self.cloud.app_creds))
        self.assertIn(self.old.id, self.cloud.app_creds)

    def test_an_applied_rotation_completes_the_update(self):
        self.cluster.status, self.cluster.status_reason = "UPDATE_FAILED", "credential rotation failed with an unknown outcome"
        self.cluster.save()
        self.sidecar.on("POST", self.path, 202, self.accepted(self.old.id))
        self.rotate()
        cluster = objects.Cluster.get_by_uuid(self.context, self.cluster.uuid)
        self.assertEqual(("UPDATE_COMPLETE", None), (cluster.status, cluster.status_reason))

    def test_a_rotation_never_ends_an_operation_in_progress(self):
        # Magnum allows a rotation while UPDATE_IN_PROGRESS, and polls only
        # clusters in progress: a COMPLETE or FAILED would strand the operation.
        for status, payload in ((202, self.accepted(self.old.id)),
                                (502, {"error": {"code": "helm_failed", "message": "helm upgrade exit 1"}})):
            self.cluster.status, self.cluster.status_reason = "UPDATE_IN_PROGRESS", "1 of 3 machines ready"
            self.cluster.save()
            self.sidecar.answers[("POST", self.path)] = [(status, payload)]
            try:
                self.rotate()
            except exception.MagnumException:
                pass
            cluster = objects.Cluster.get_by_uuid(self.context, self.cluster.uuid)
            self.assertEqual(("UPDATE_IN_PROGRESS", "1 of 3 machines ready"), (cluster.status, cluster.status_reason))

    def test_an_operation_that_started_during_the_rotation_keeps_its_status(self):
        stored = objects.Cluster.get_by_uuid(self.context, self.cluster.uuid)
        stored.status = "UPDATE_IN_PROGRESS"
        stored.save()
        # self.cluster is the object as the API read it, still CREATE_COMPLETE.
        self.sidecar.on("POST", self.path, 202, self.accepted(self.old.id))
        self.rotate()
        cluster = objects.Cluster.get_by_uuid(self.context, self.cluster.uuid)
        self.assertEqual(("UPDATE_IN_PROGRESS", "u2"), (cluster.status, cluster.user_id))


class NodeGroupImageTest(DriverTestCase):
    def test_a_node_groups_image_gone_from_glance_does_not_block_a_resize(self):
        # Node groups keep the image they were created with; after an upgrade
        # operators delete the old image. The render uses the template's.
        from magnum.conductor.handlers import cluster_conductor
        cluster = self.make_cluster(self.template, stack_id="c-abcdefghijkl")
        old_image = "0b0b0b0b-0000-4000-8000-00000000dead"
        self.cloud.add_image("7c7c7c7c-0000-4000-8000-000000000007", "kept", "v1.31.4")
        for ng in cluster.nodegroups:
            ng.image_id = old_image if ng.role == "master" else "7c7c7c7c-0000-4000-8000-000000000007"
            ng.save()
        self.sidecar.on("POST", "/v1/clusters/%s/actions/resize" % cluster.uuid, 202, {"stack_id": "c-abcdefghijkl", "namespace": "n", "revision": 2})
        cluster_conductor.Handler().cluster_resize(self.context, cluster, 3, [], cluster.default_ng_worker)
        [(method, path, body)] = self.writes()
        self.assertEqual("UPDATE_IN_PROGRESS", objects.Cluster.get_by_uuid(self.context, cluster.uuid).status)
        # The sidecar reads no node group's own image: Glance is asked only about the template's.
        self.assertNotIn("images", body["spec"]["resolved"])
        self.assertEqual({fakes.IMAGE_ID}, set(self.cloud.image_lookups))


class NodeGroupDeleteTest(DriverTestCase):
    def test_delete_saves_the_status_and_the_sync_destroys_the_row(self):
        from magnum.conductor.handlers import nodegroup_conductor
        import uuid
        cluster = self.make_cluster(self.template, stack_id="c-abcdefghijkl")
        extra = objects.NodeGroup(self.context, uuid=str(uuid.uuid4()), name="extra", cluster_id=cluster.uuid,
                                  project_id=base.PROJECT, role="worker", node_count=1, min_node_count=0,
                                  flavor_id="m1.medium", image_id=cluster.cluster_template.image_id,
                                  is_default=False, status="CREATE_COMPLETE", labels={})
        extra.create()
        path = "/v1/clusters/%s/nodegroups/extra" % cluster.uuid
        self.sidecar.on("DELETE", path, 202, {"stack_id": "c-abcdefghijkl", "namespace": "n", "revision": 5})
        nodegroup_conductor.Handler().nodegroup_delete(self.context, cluster, objects.NodeGroup.get(self.context, cluster.uuid, extra.uuid))
        # The conductor saves nothing on success: the driver must have.
        self.assertEqual("DELETE_IN_PROGRESS", objects.NodeGroup.get(self.context, cluster.uuid, "extra").status)
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200, self.status_answer("UPDATE_COMPLETE", deleted=["extra"], nodegroups=[
            {"name": "default-master", "status": "CREATE_COMPLETE", "status_reason": None},
            {"name": "default-worker", "status": "CREATE_COMPLETE", "status_reason": None}]))
        cluster = self.sync(cluster)
        self.assertEqual("UPDATE_COMPLETE", cluster.status)
        self.assertEqual(["default-master", "default-worker"], sorted(ng.name for ng in cluster.nodegroups))


class HealthTest(DriverTestCase):
    def test_magnums_health_job_writes_the_sidecars_answer(self):
        cluster = self.make_cluster(self.template, stack_id="c-abcdefghijkl")
        # Magnum's worker groups go along, so the sidecar names one whose MachineDeployment is missing.
        self.sidecar.on("GET", "/v1/clusters/%s/health?nodegroup=default-worker" % cluster.uuid, 200, {
            "health_status": "UNHEALTHY", "health_status_reason": {"default-worker": "1 of 2 machines ready"}})
        job = periodic.ClusterHealthUpdateJob(self.context, cluster)
        self.assertRaises(loopingcall.LoopingCallDone, job.update_health_status)
        cluster = objects.Cluster.get_by_uuid(self.context, cluster.uuid)
        self.assertEqual(("UNHEALTHY", {"default-worker": "1 of 2 machines ready"}), (cluster.health_status, cluster.health_status_reason))


class ConcurrentSyncTest(DriverTestCase):
    def test_a_group_another_conductor_destroyed_first_is_no_error(self):
        # Several conductors may sync the same cluster at once; both see the
        # group in their listing, one destroys it first.
        import uuid
        from unittest import mock
        cluster = self.make_cluster(self.template, status="UPDATE_IN_PROGRESS", stack_id="c-abcdefghijkl")
        objects.NodeGroup(self.context, uuid=str(uuid.uuid4()), name="extra", cluster_id=cluster.uuid,
                          project_id=base.PROJECT, role="worker", node_count=1, min_node_count=0,
                          flavor_id="m1.medium", is_default=False, status="DELETE_IN_PROGRESS", labels={}).create()
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200, self.status_answer("UPDATE_COMPLETE", deleted=["extra"]))
        real_destroy = objects.NodeGroup.destroy

        def destroyed_by_the_other_conductor(ng):
            real_destroy(ng)
            raise exception.NodeGroupNotFound(nodegroup=ng.uuid)

        with mock.patch.object(objects.NodeGroup, "destroy", destroyed_by_the_other_conductor):
            cluster = self.sync(cluster)
        self.assertEqual("UPDATE_COMPLETE", cluster.status)


class NodeLabelsAndTaintsTest(DriverTestCase):
    """Magnum 2026.2 (API 1.14) stores node labels and taints on node groups;
    older Magnum has no such fields and the same code sends neither."""

    def create_gpu_group(self, **fields):
        from magnum.conductor.handlers import nodegroup_conductor
        import uuid
        cluster = self.make_cluster(self.template, stack_id="c-abcdefghijkl")
        gpu = objects.NodeGroup(self.context, uuid=str(uuid.uuid4()), name="gpu", cluster_id=cluster.uuid,
                                project_id=base.PROJECT, role="worker", node_count=1, min_node_count=0,
                                flavor_id="m1.medium", image_id=cluster.cluster_template.image_id,
                                is_default=False, labels={}, **fields)
        self.sidecar.on("POST", "/v1/clusters/%s/nodegroups" % cluster.uuid, 202, {"stack_id": "c-abcdefghijkl", "namespace": "n", "revision": 2})
        nodegroup_conductor.Handler().nodegroup_create(self.context, cluster, gpu)
        [(_method, _path, body)] = self.writes()
        return {ng["name"]: ng for ng in body["spec"]["nodegroups"]}

    def test_sent_when_magnum_has_them(self):
        if "node_labels" not in objects.NodeGroup.fields:
            self.skipTest("this Magnum has no node_labels (before API 1.14)")
        groups = self.create_gpu_group(node_labels={"example.com/gpu": "a100"},
                                       node_taints=[{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}])
        self.assertEqual({"example.com/gpu": "a100"}, groups["gpu"]["node_labels"])
        self.assertEqual([{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}], groups["gpu"]["node_taints"])
        # Groups created without them carry none (Magnum's empty value).
        self.assertFalse(groups["default-worker"]["node_labels"])
        self.assertFalse(groups["default-worker"]["node_taints"])

    def test_not_sent_by_a_magnum_without_them(self):
        if "node_labels" in objects.NodeGroup.fields:
            self.skipTest("this Magnum has node_labels (API 1.14 and later)")
        groups = self.create_gpu_group()
        for ng in groups.values():
            self.assertNotIn("node_labels", ng)
            self.assertNotIn("node_taints", ng)
