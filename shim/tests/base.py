"""Magnum's own test base (a real sqlite database and real objects), with the
OpenStack clients replaced by the fake cloud."""
from unittest import mock

from magnum import objects
from magnum.tests.unit.db import base as db_base
from magnum.tests.unit.objects import utils as obj_utils
from magnum.tests import utils as magnum_utils

from tests import fakes

PROJECT = "9f0c3a1b2c4d4e5f8a9b0c1d2e3f4a5b"


class ShimTestCase(db_base.DbTestCase):
    def setUp(self):
        super(ShimTestCase, self).setUp()
        self.context = magnum_utils.dummy_context(project_id=PROJECT)
        self.context.user_id = "u1"
        self.cloud = fakes.Cloud()
        patcher = mock.patch("magnum.common.clients.OpenStackClients", side_effect=self.cloud.clients)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.config(cert_manager_type="x509keypair", group="certificates")

    def make_template(self, **kw):
        return obj_utils.create_test_cluster_template(
            self.context,
            server_type="vm", cluster_distro="ubuntu", coe="kubernetes",
            image_id=fakes.IMAGE_ID, external_network_id=fakes.EXTERNAL_NET,
            master_flavor_id="m1.medium", flavor_id="m1.medium",
            labels={}, network_driver=None, fixed_network=None, fixed_subnet=None,
            dns_nameserver="8.8.8.8", keypair_id="default", driver=None,
            project_id=PROJECT, uuid=__import__("uuid").uuid4().__str__(), **kw)

    def new_cluster(self, template, name="shim-test", **kw):
        """A cluster object not yet created, as the API hands it to the conductor."""
        attrs = dict(
            uuid=kw.pop("uuid", None) or __import__("uuid").uuid4().__str__(),
            name=name, project_id=PROJECT, user_id="u1",
            cluster_template_id=template.uuid, keypair="default", labels={},
            master_flavor_id="m1.medium", flavor_id="m1.medium",
            create_timeout=60, stack_id=None, fixed_network=None, fixed_subnet=None,
            docker_volume_size=None, floating_ip_enabled=True, master_lb_enabled=True,
        )
        attrs.update(kw)
        return objects.Cluster(self.context, **attrs)

    def make_cluster(self, template, status="CREATE_COMPLETE", master_count=1, node_count=2, **kw):
        """A cluster with its two default node groups in the database, as the conductor leaves it."""
        from magnum.conductor import utils as conductor_utils
        cluster = self.new_cluster(template, **kw)
        cluster.status = status
        cluster.create()
        for count, master in ((master_count, True), (node_count, False)):
            ng = conductor_utils._get_nodegroup_object(self.context, cluster, count, is_master=master)
            ng.status = status
            ng.create()
        return objects.Cluster.get_by_uuid(self.context, cluster.uuid)
