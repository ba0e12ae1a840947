"""The shim against a stand-in sidecar over real HTTP: what it sends, how it
maps the sidecar's errors to Magnum's exceptions, and its retries."""
from magnum.common import exception

from magnum_capi_sidecar import client as sidecar
from tests import base
from tests.stub_sidecar import StubSidecar

UPDATE = ("PUT", "/v1/clusters/u1")


class ClientTest(base.ShimTestCase):
    def setUp(self):
        super(ClientTest, self).setUp()
        self.stub = StubSidecar()
        self.addCleanup(self.stub.stop)
        self.client = sidecar.Client(url=self.stub.url, token="t" * 20)

    def answer(self, route, status, payload):
        """The one answer `route` (method, path) gives until set again."""
        self.stub.answers[route] = [(status, payload)]

    def test_sends_the_token_and_the_body(self):
        self.answer(("POST", "/v1/clusters/u1/actions/resize"), 202, {"stack_id": "s", "namespace": "n", "revision": 2})
        self.client.resize_cluster("u1", {"cluster": {}}, 3, ["srv-1"], "default-worker")
        method, path, body = self.stub.requests[0]
        self.assertEqual(("POST", "/v1/clusters/u1/actions/resize", "Bearer " + "t" * 20), (method, path, self.stub.authorizations[0]))
        self.assertEqual({"spec": {"cluster": {}}, "node_count": 3, "nodes_to_remove": ["srv-1"], "nodegroup": "default-worker"}, body)

    def test_a_node_group_name_is_one_path_segment_whatever_it_holds(self):
        # Magnum's node-group names are free text.
        name = "gpu/a100?x=1#frag 50%"
        quoted = "gpu%2Fa100%3Fx%3D1%23frag%2050%25"
        self.answer(("PUT", "/v1/clusters/u1/nodegroups/" + quoted), 202, {"stack_id": "s", "namespace": "n", "revision": 2})
        self.answer(("DELETE", "/v1/clusters/u1/nodegroups/" + quoted), 202, {"stack_id": "s", "namespace": "n", "revision": 3})
        self.client.update_nodegroup("u1", {}, name)
        self.client.delete_nodegroup("u1", {}, name)
        self.assertEqual([("PUT", "/v1/clusters/u1/nodegroups/" + quoted), ("DELETE", "/v1/clusters/u1/nodegroups/" + quoted)],
                         [(method, path) for method, path, body in self.stub.requests])

    def test_the_cluster_uuid_is_quoted_too(self):
        self.answer(("GET", "/v1/clusters/a%2Fb/health"), 200, {"health_status": "HEALTHY", "health_status_reason": {}})
        self.assertEqual("HEALTHY", self.client.cluster_health("a/b")["health_status"])

    def test_maps_errors_to_magnum_exceptions_with_the_sidecars_message(self):
        cases = [
            (422, {"error": {"code": "not_supported", "message": "downgrading Kubernetes"}}, exception.NotSupported),
            (422, {"error": {"code": "magnum_rule", "message": "Flavor m1.tiny does not have enough RAM"}}, exception.InvalidParameterValue),
            (400, {"error": {"code": "invalid_input", "message": "body.cluster.uuid: required"}}, exception.InvalidParameterValue),
            (409, {"error": {"code": "conflict", "message": "the cluster is being deleted"}}, exception.Conflict),
            (502, {"error": {"code": "helm_failed", "message": "helm upgrade exit 1: boom"}}, sidecar.SidecarError),
            (503, {"error": {"code": "management_cluster_unavailable", "message": "connection refused"}}, sidecar.SidecarUnavailable),
            (503, {"error": {"code": "helm_release_locked", "message": "another operation is in progress"}}, sidecar.SidecarUnavailable),
        ]
        for status, payload, expected in cases:
            self.answer(UPDATE, status, payload)
            with self.assertRaises(expected) as ctx:
                self.client.update_cluster("u1", {})
            self.assertIn(payload["error"]["message"], str(ctx.exception))

    def test_the_sidecars_message_is_the_whole_message(self):
        cases = [
            (422, "not_supported", "Kubernetes cannot be downgraded. The cluster runs v1.31.4, the new template's image has v1.30.2", exception.NotSupported),
            (404, "not_found", "no cluster u1 is managed here", exception.ClusterNotFound),
            (409, "conflict", "cannot resize: 100% of the cluster is being deleted", exception.Conflict),
            (422, "magnum_rule", "autoscaling: min_node_count 5% > node_count", exception.InvalidParameterValue),
        ]
        for status, code, message, expected in cases:
            self.answer(UPDATE, status, {"error": {"code": code, "message": message}})
            with self.assertRaises(expected) as ctx:
                self.client.update_cluster("u1", {})
            self.assertEqual(message, str(ctx.exception))

    def test_a_mutating_call_to_a_dead_sidecar_is_a_clear_error_at_once(self):
        dead = sidecar.Client(url="http://127.0.0.1:1", token="t" * 20)
        with self.assertRaises(sidecar.SidecarUnavailable) as ctx:
            dead.create_cluster({})
        self.assertIn("unreachable", str(ctx.exception))

    def test_an_unreadable_token_file_is_a_clear_magnum_error(self):
        self.config(token_file="/nonexistent/capi-sidecar-token", group="capi_sidecar")
        client = sidecar.Client(url=self.client.url)
        with self.assertRaises(sidecar.SidecarUnavailable) as ctx:
            client.update_cluster("u1", {})
        self.assertIn("/nonexistent/capi-sidecar-token", str(ctx.exception))

    def test_status_calls_retry_connection_errors(self):
        calls = []
        real = self.client.session.request

        def flaky(*args, **kwargs):
            calls.append(1)
            if len(calls) < 3:
                import requests
                raise requests.ConnectionError("refused")
            return real(*args, **kwargs)

        self.client.session.request = flaky
        self.answer(("POST", "/v1/clusters/u1/status"), 200, {"cluster": {"status": "CREATE_COMPLETE"}, "nodegroups": [], "deleted_nodegroups": []})
        self.assertEqual("CREATE_COMPLETE", self.client.cluster_status("u1", {})["cluster"]["status"])
        self.assertEqual(3, len(calls))

    def test_fails_over_to_the_next_replica_when_one_cannot_be_reached(self):
        client = sidecar.Client(url="http://127.0.0.1:1, %s" % self.stub.url, token="t" * 20)
        self.answer(UPDATE, 202, {"stack_id": "s", "namespace": "n", "revision": 2})
        self.assertEqual(2, client.update_cluster("u1", {})["revision"])
        # The replica that answered is tried first from then on.
        self.assertEqual(self.stub.url, client.urls[client._preferred])
        self.assertEqual(1, len(self.stub.requests))

    def test_every_replica_unreachable_is_one_clear_error_naming_each(self):
        client = sidecar.Client(url="http://127.0.0.1:1,http://127.0.0.1:2", token="t" * 20)
        with self.assertRaises(sidecar.SidecarUnavailable) as ctx:
            client.create_cluster({})
        self.assertIn("http://127.0.0.1:1", str(ctx.exception))
        self.assertIn("http://127.0.0.1:2", str(ctx.exception))

    def test_a_busy_release_is_retried_after_the_wait_the_sidecar_asks_for(self):
        busy = {"error": {"code": "release_busy", "message": "release magnum-p/demo is busy"}}
        self.stub.on(UPDATE[0], UPDATE[1], 503, busy)
        self.stub.on(UPDATE[0], UPDATE[1], 503, busy)
        self.stub.on(UPDATE[0], UPDATE[1], 202, {"stack_id": "s", "namespace": "n", "revision": 7})
        self.assertEqual(7, self.client.update_cluster("u1", {})["revision"])
        self.assertEqual(3, len(self.stub.requests))

    def test_a_release_busy_past_the_timeout_is_unavailable_not_a_failure(self):
        # An update is asynchronous: async_timeout is its budget.
        self.config(timeout=1, async_timeout=1, group="capi_sidecar")
        self.answer(UPDATE, 503, {"error": {"code": "release_busy", "message": "release magnum-p/demo is busy"}})
        with self.assertRaises(sidecar.SidecarUnavailable) as ctx:
            self.client.update_cluster("u1", {})
        self.assertIn("busy", str(ctx.exception))
        self.assertLessEqual(len(self.stub.requests), 6)

    def test_other_503s_are_not_retried(self):
        self.answer(UPDATE, 503, {"error": {"code": "management_cluster_unavailable", "message": "connection refused"}})
        with self.assertRaises(sidecar.SidecarUnavailable):
            self.client.update_cluster("u1", {})
        self.assertEqual(1, len(self.stub.requests))

    def test_a_url_list_with_nothing_in_it_is_a_clear_error(self):
        with self.assertRaises(sidecar.SidecarUnavailable):
            sidecar.Client(url=" , ", token="t" * 20)
