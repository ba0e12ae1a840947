"""Nova server groups (label server_group_policies): the sidecar's dry run
names them, the driver finds or creates them as the requesting user with
Magnum's own Nova client (fake), sends their ids, and deletes them with an
admin context when the sidecar says what they held is gone."""
import uuid

from magnum.common import exception
from magnum import objects

from tests import base
from tests import test_driver

OTHER_PROJECT = "0e0e0e0e0e0e4e0e8e0e0e0e0e0e0e0e"


def planned(release, *groups):
    """The dry run's `server_groups`: (suffix, policy, Magnum node group or None)."""
    return [{"name": "%s-%s" % (release, suffix), "policy": policy, "nodegroup": ng, "id": None} for suffix, policy, ng in groups]


class CreateTest(test_driver.DriverTestCase):
    RELEASE = "sg-abcdefghijkl"

    def create(self, groups):
        from magnum.conductor.handlers import cluster_conductor
        cluster = self.new_cluster(self.template, name="sg", labels={"server_group_policies": "anti-affinity"})
        self.sidecar.on("POST", "/v1/values", 200, {"release": self.RELEASE, "server_groups": groups})
        self.sidecar.on("POST", "/v1/clusters", 201, {"stack_id": self.RELEASE, "namespace": "n", "revision": 1})
        cluster_conductor.Handler().cluster_create(self.context, cluster, 1, 2, 60)
        [(_method, _path, body)] = self.writes()
        return body["resolved"].get("server_groups")

    def test_the_groups_are_created_in_the_users_project_and_their_ids_sent(self):
        sent = self.create(planned(self.RELEASE, ("control-plane", "anti-affinity", None),
                                   ("default-worker", "soft-anti-affinity", "default-worker")))
        self.assertEqual([("create", self.RELEASE + "-control-plane", "anti-affinity", base.PROJECT),
                          ("create", self.RELEASE + "-default-worker", "soft-anti-affinity", base.PROJECT)],
                         self.cloud.server_group_calls)
        by_name = {g["name"]: g for g in self.cloud.server_groups.values()}
        self.assertEqual({
            self.RELEASE + "-control-plane": {"id": by_name[self.RELEASE + "-control-plane"]["id"], "policy": "anti-affinity"},
            self.RELEASE + "-default-worker": {"id": by_name[self.RELEASE + "-default-worker"]["id"], "policy": "soft-anti-affinity"},
        }, sent)

    def test_a_retried_create_finds_its_own_group_instead_of_making_a_second(self):
        made = self.cloud.add_server_group(self.RELEASE + "-control-plane", "anti-affinity", base.PROJECT)
        # Same name, another project: not this cluster's.
        self.cloud.add_server_group(self.RELEASE + "-control-plane", "anti-affinity", OTHER_PROJECT)
        sent = self.create(planned(self.RELEASE, ("control-plane", "anti-affinity", None)))
        self.assertEqual([], self.cloud.server_group_calls)
        self.assertEqual({self.RELEASE + "-control-plane": {"id": made["id"], "policy": "anti-affinity"}}, sent)

    def test_a_group_found_under_another_policy_is_sent_as_nova_has_it(self):
        # The sidecar refuses the render: Nova cannot change a group's policy.
        made = self.cloud.add_server_group(self.RELEASE + "-control-plane", "affinity", base.PROJECT)
        sent = self.create(planned(self.RELEASE, ("control-plane", "anti-affinity", None)))
        self.assertEqual({self.RELEASE + "-control-plane": {"id": made["id"], "policy": "affinity"}}, sent)

    def test_no_group_asked_for_touches_no_nova(self):
        self.assertEqual({}, self.create([]))
        self.assertEqual(([], {}), (self.cloud.server_group_calls, self.cloud.server_groups))

    def test_two_groups_of_one_name_are_refused_before_the_sidecar_is_asked_to_create(self):
        from magnum.conductor.handlers import cluster_conductor
        for _ in range(2):
            self.cloud.add_server_group(self.RELEASE + "-control-plane", "anti-affinity", base.PROJECT)
        cluster = self.new_cluster(self.template, name="sg")
        self.sidecar.on("POST", "/v1/values", 200, {"release": self.RELEASE, "server_groups": planned(
            self.RELEASE, ("control-plane", "anti-affinity", None))})
        with self.assertRaises(exception.Conflict) as ctx:
            cluster_conductor.Handler().cluster_create(self.context, cluster, 1, 2, 60)
        self.assertTrue(str(ctx.exception).startswith("2 server groups are named %s-control-plane:" % self.RELEASE), str(ctx.exception))
        self.assertEqual([], self.writes())
        self.assertEqual([], self.cloud.server_group_calls)


class RenderTest(test_driver.DriverTestCase):
    def test_every_render_sends_the_ids_the_dry_run_asked_for(self):
        from magnum.conductor.handlers import nodegroup_conductor
        cluster = self.make_cluster(self.template, stack_id="c-abcdefghijkl")
        gpu = objects.NodeGroup(self.context, uuid=str(uuid.uuid4()), name="gpu", cluster_id=cluster.uuid,
                                project_id=base.PROJECT, role="worker", node_count=1, min_node_count=0,
                                flavor_id="m1.medium", image_id=cluster.cluster_template.image_id,
                                is_default=False, labels={"server_group_policies": "affinity"})
        self.sidecar.on("POST", "/v1/values", 200, {"release": "c-abcdefghijkl", "server_groups": planned(
            "c-abcdefghijkl", ("gpu", "affinity", "gpu"))})
        self.sidecar.on("POST", "/v1/clusters/%s/nodegroups" % cluster.uuid, 202, {"stack_id": "c-abcdefghijkl", "namespace": "n", "revision": 2})
        nodegroup_conductor.Handler().nodegroup_create(self.context, cluster, gpu)
        dry_run, write = self.sidecar.requests
        self.assertEqual(("POST", "/v1/values"), dry_run[:2])
        # The dry run goes without ids: it is how the shim learns which groups to make.
        self.assertNotIn("server_groups", dry_run[2]["resolved"])
        [group] = self.cloud.server_groups.values()
        self.assertEqual({"c-abcdefghijkl-gpu": {"id": group["id"], "policy": "affinity"}}, write[2]["spec"]["resolved"]["server_groups"])


class DeleteTest(test_driver.DriverTestCase):
    def test_delete_complete_deletes_the_clusters_groups_with_an_admin_context(self):
        cluster = self.make_cluster(self.template, status="DELETE_IN_PROGRESS", stack_id="c-abcdefghijkl")
        self.cloud.add_server_group("c-abcdefghijkl-control-plane", "anti-affinity", base.PROJECT)
        self.cloud.add_server_group("c-abcdefghijkl-default-worker", "anti-affinity", base.PROJECT)
        kept = [self.cloud.add_server_group("c-abcdefghijkl-control-plane", "affinity", OTHER_PROJECT),
                self.cloud.add_server_group("my-own-group", "affinity", base.PROJECT)]
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200, dict(
            self.status_answer("DELETE_COMPLETE"),
            server_groups_to_delete=["c-abcdefghijkl-control-plane", "c-abcdefghijkl-default-worker"]))
        self.assertIsNone(self.sync(cluster))
        self.assertEqual([("delete", "c-abcdefghijkl-control-plane", True), ("delete", "c-abcdefghijkl-default-worker", True)],
                         self.cloud.server_group_calls)
        self.assertEqual(sorted(g["id"] for g in kept), sorted(self.cloud.server_groups))

    def test_a_deleted_node_groups_group_goes_with_its_row(self):
        cluster = self.make_cluster(self.template, status="UPDATE_IN_PROGRESS", stack_id="c-abcdefghijkl")
        objects.NodeGroup(self.context, uuid=str(uuid.uuid4()), name="extra", cluster_id=cluster.uuid,
                          project_id=base.PROJECT, role="worker", node_count=1, min_node_count=0,
                          flavor_id="m1.medium", is_default=False, status="DELETE_IN_PROGRESS", labels={}).create()
        self.cloud.add_server_group("c-abcdefghijkl-extra", "soft-affinity", base.PROJECT)
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200, dict(
            self.status_answer("UPDATE_COMPLETE", deleted=["extra"]), server_groups_to_delete=["c-abcdefghijkl-extra"]))
        cluster = self.sync(cluster)
        self.assertEqual(["default-master", "default-worker"], sorted(ng.name for ng in cluster.nodegroups))
        self.assertEqual({}, self.cloud.server_groups)

    def test_a_nova_failure_does_not_keep_the_cluster_from_being_removed(self):
        cluster = self.make_cluster(self.template, status="DELETE_IN_PROGRESS", stack_id="c-abcdefghijkl")
        self.cloud.add_server_group("c-abcdefghijkl-control-plane", "anti-affinity", base.PROJECT)

        def nova_down(context, ident):
            raise RuntimeError("nova is down")

        self.cloud._delete_server_group = nova_down
        self.sidecar.on("POST", "/v1/clusters/%s/status" % cluster.uuid, 200, dict(
            self.status_answer("DELETE_COMPLETE"), server_groups_to_delete=["c-abcdefghijkl-control-plane"]))
        self.assertIsNone(self.sync(cluster))
        self.assertEqual(1, len(self.cloud.server_groups))
