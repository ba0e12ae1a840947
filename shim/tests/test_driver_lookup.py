"""Magnum finds this driver the way it finds any: through its entry points."""
from magnum.drivers.common import driver as magnum_driver
from oslo_config import cfg

from magnum_capi_sidecar import conf
from magnum_capi_sidecar import driver
from tests import base


class DriverLookupTest(base.ShimTestCase):
    def test_found_for_the_python_drivers_templates(self):
        for os_distro in ("ubuntu", "flatcar"):
            found = magnum_driver.Driver.get_driver("vm", os_distro, "kubernetes")
            self.assertIsInstance(found, driver.Driver)

    def test_found_by_name(self):
        found = magnum_driver.Driver.get_driver("vm", "ubuntu", "kubernetes", "k8s_capi_sidecar")
        self.assertIsInstance(found, driver.Driver)

    def test_needs_no_trust(self):
        self.assertFalse(driver.Driver.needs_trust)

    def test_options_are_listed_for_oslo_config(self):
        [(group, opts)] = conf.list_opts()
        self.assertEqual("capi_sidecar", group.name)
        self.assertEqual({"url", "token_file", "ca_file", "cert_file", "key_file", "timeout", "async_timeout", "status_timeout", "status_retries", "app_cred_interface_type"}, {o.name for o in opts})
        # Synchronous RPCs time out after 60 s: our HTTP timeout stays below it.
        self.assertLess(cfg.CONF.capi_sidecar.timeout, 60)

    def test_options_reach_oslo_config_generator_through_the_entry_point(self):
        from oslo_config import generator
        [(namespace, [(group, opts)])] = generator._list_opts(["magnum_capi_sidecar"])
        self.assertEqual(("magnum_capi_sidecar", "capi_sidecar"), (namespace, getattr(group, "name", group)))
        self.assertIn("url", {o.name for o in opts})

    def test_instantiating_is_cheap_and_touches_nothing(self):
        # Magnum instantiates every driver at discovery, also on the API nodes.
        d = driver.Driver()
        self.assertIsNone(d._client)
