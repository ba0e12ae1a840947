"""The OpenStack facts and credentials, through the client shapes the installed
Magnum hands out (python-*clients up to 2026.1, openstacksdk from 2026.2)."""
import yaml

from magnum.common import exception
from magnum.conf import CONF

from magnum_capi_sidecar import credentials
from magnum_capi_sidecar import facts
from tests import base
from tests import fakes


class FactsTest(base.ShimTestCase):
    def setUp(self):
        super(FactsTest, self).setUp()
        self.template = self.make_template()
        self.cluster = self.new_cluster(self.template)

    def test_resolves_image_flavors_and_volume_types(self):
        self.cloud.volume_types = ["fast", "__DEFAULT__"]
        resolved = facts.resolve(self.context, self.cluster, self.template, [])
        self.assertEqual({"id": fakes.IMAGE_ID, "kube_version": "v1.31.4", "os_distro": "ubuntu"}, resolved["image"])
        self.assertEqual({"m1.medium": {"id": "3", "name": "m1.medium", "vcpus": 2, "ram": 4096}}, resolved["flavors"])
        self.assertEqual(["fast", "__DEFAULT__"], resolved["volume_types"])
        self.assertEqual(fakes.EXTERNAL_NET, resolved["external_network_id"])
        self.assertEqual("https://keystone.example.test/v3", resolved["auth_url"])

    def test_share_types_when_manila_is_in_the_catalog(self):
        self.cloud.share_types = ["default", "CephFS Gold"]
        resolved = facts.resolve(self.context, self.cluster, self.template, [])
        self.assertEqual(["default", "CephFS Gold"], resolved["share_types"])
        self.assertEqual([("/types", {"service_type": "sharev2", "interface": "public"})], self.cloud.manila_requests)

    def test_no_share_types_without_manila(self):
        self.assertIsNone(facts.resolve(self.context, self.cluster, self.template, [])["share_types"])

    def test_a_failing_manila_fails_the_call_rather_than_dropping_its_storage_classes(self):
        from keystoneauth1 import exceptions as ks_exceptions
        self.cloud.share_types = ["default"]
        self.cloud.manila_error = ks_exceptions.ServiceUnavailable()
        self.assertRaises(ks_exceptions.ServiceUnavailable, facts.resolve, self.context, self.cluster, self.template, [])

    def test_flavors_by_id_too(self):
        self.cluster.flavor_id = "4"
        resolved = facts.resolve(self.context, self.cluster, self.template, [])
        self.assertEqual("m1.large", resolved["flavors"]["4"]["name"])

    def test_no_boot_volume_defaults_by_default(self):
        # Magnum's own defaults ('' and 0) mean no boot volume, as magnum-capi-helm read them.
        resolved = facts.resolve(self.context, self.cluster, self.template, [])
        self.assertIsNone(resolved["default_boot_volume_type"])
        self.assertIsNone(resolved["default_boot_volume_size"])

    def test_magnums_cinder_boot_volume_defaults_are_sent(self):
        self.config(default_boot_volume_type="ceph-ssd", default_boot_volume_size=40, group="cinder")
        resolved = facts.resolve(self.context, self.cluster, self.template, [])
        self.assertEqual("ceph-ssd", resolved["default_boot_volume_type"])
        self.assertEqual(40, resolved["default_boot_volume_size"])

    def test_a_missing_image_is_magnums_image_not_found(self):
        self.template.image_id = "0b0b0b0b-0000-4000-8000-00000000dead"
        self.assertRaises(exception.ImageNotFound, facts.resolve, self.context, self.cluster, self.template, [])


class CredentialsTest(base.ShimTestCase):
    def setUp(self):
        super(CredentialsTest, self).setUp()
        self.cluster = self.new_cluster(self.make_template())

    def test_created_as_the_requesting_user_with_magnums_name(self):
        creds = credentials.create(self.context, self.cluster)
        [cred] = self.cloud.app_creds.values()
        self.assertEqual("u1", cred.user_id)
        self.assertTrue(cred.name.startswith("magnum-%s-" % self.cluster.uuid))
        self.assertEqual(cred.id, creds["application_credential_id"])
        auth = yaml.safe_load(creds["clouds_yaml"])["clouds"]["openstack"]["auth"]
        self.assertEqual({"auth_url": "https://keystone.example.test/v3", "application_credential_id": cred.id,
                          "application_credential_secret": cred.secret}, auth)

    def _cloud(self):
        return yaml.safe_load(credentials.create(self.context, self.cluster)["clouds_yaml"])["clouds"]["openstack"]

    def test_interface_and_verify_default_to_magnum_capi_helms(self):
        cloud = self._cloud()
        self.assertEqual("public", cloud["interface"])
        self.assertIs(True, cloud["verify"])

    def test_verify_is_magnums_drivers_verify_ca(self):
        self.config(verify_ca=False, group="drivers")
        self.assertIs(False, self._cloud()["verify"])

    def test_the_interface_is_capi_sidecars_app_cred_interface_type(self):
        self.config(app_cred_interface_type="internal", group="capi_sidecar")
        self.assertEqual("internal", self._cloud()["interface"])

    def test_magnum_capi_helms_own_spelling_of_the_interface_is_read_from_magnum_conf(self):
        # As a magnum.conf written for magnum-capi-helm has it: [capi_helm] app_cred_interface_type.
        from oslo_config import fixture as config_fixture
        config = self.useFixture(config_fixture.Config(CONF))
        config.load_raw_values(group="capi_helm", app_cred_interface_type="internal")
        self.assertEqual("internal", self._cloud()["interface"])

    def test_the_cacert_is_magnums_openstack_ca_file(self):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".pem") as f:
            f.write("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
            f.flush()
            self.config(openstack_ca_file=f.name, group="drivers")
            self.assertEqual("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                             credentials.create(self.context, self.cluster)["cacert"])

    def test_without_one_the_cacert_is_the_public_roots(self):
        # Cluster API's OpenStack provider trusts no CA of its own (as magnum-capi-helm notes).
        self.config(openstack_ca_file="", group="drivers")
        cacert = credentials.create(self.context, self.cluster)["cacert"]
        self.assertGreater(cacert.count("-----BEGIN CERTIFICATE-----"), 50)
        self.assertNotIn("#", cacert)
        # Well inside the sidecar's limit for credentials.cacert (256 KiB).
        self.assertLess(len(cacert), 200000)

    def test_deleted_only_when_magnum_made_it_for_this_cluster(self):
        creds = credentials.create(self.context, self.cluster)
        other = self.cloud._create_app_cred("u1", "my-own-credential", "")
        self.assertFalse(credentials.delete(self.cluster, other.id))
        self.assertIn(other.id, self.cloud.app_creds)
        self.assertTrue(credentials.delete(self.cluster, creds["application_credential_id"]))
        self.assertEqual([other.id], list(self.cloud.app_creds))

    def test_looked_up_under_each_possible_owner_in_turn(self):
        # Keystone finds an application credential only under the user that owns it.
        cred = self.cloud._create_app_cred("u2", "magnum-%s-0a0b0c0d" % self.cluster.uuid, "")
        self.assertFalse(credentials.delete(self.cluster, cred.id))
        self.assertIn(cred.id, self.cloud.app_creds)
        self.assertTrue(credentials.delete(self.cluster, cred.id, user_ids=["u1", "u2"]))
        self.assertEqual({}, self.cloud.app_creds)

    def test_deleting_a_missing_credential_is_no_error(self):
        self.assertFalse(credentials.delete(self.cluster, "0" * 32))
