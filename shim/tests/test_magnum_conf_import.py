"""The sidecar's `import-magnum-conf` reads magnum.conf as the real oslo.config
does: magnum-capi-helm 1.4.0's options, as the sidecar's table declares them
(type, default, choices, deprecated spellings), registered with oslo.config
here, read from one tricky magnum.conf by both, compared option by option."""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import unittest

from oslo_config import cfg

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Every rule of oslo's reader at least once: section case, ':' and '=', quotes,
# repeated keys, continuation lines, a '#' or ';' after a value, '$$', empty
# values, deprecated spellings (old section, old name, and new beside old),
# values oslo refuses (a boolean 'y', a choice in the wrong case, '10 # GB').
MAGNUM_CONF = """[DEFAULT]
debug = true

[CAPI_HELM]
kubeconfig_file = /etc/magnum/a$$b
namespace_prefix = "capi"
helm_chart_repo: https://charts.example.test/capi=helm
default_helm_chart_version = 0.26.0
default_helm_chart_version = 0.27.0
minimum_flavor_ram =  4_096
minimum_flavor_vcpus =
csi_cinder_default_volume_type = 'ssd'
csi_cinder_allowed_topologies = zone-a, zone-b ,
app_cred_interface_type = internal ; not a comment
api_resources = {"OpenstackCluster":
  {"api_version": "infrastructure.cluster.x-k8s.io/v1beta1"}}
k8s_control_plane_resource_conditions = Ready,
csi_cinder_fstype = xfs
csi_cinder_reclaim_policy = Delete
etcd_volume_size = 7

# the labels
[capi_helm_cluster_labels]
etcd_blockdevice_size = 10 # GB
etcd_blockdevice_type = Local
etcd_blockdevice_volume_az =
monitoring_enabled = On
kube_dashboard_enabled = no
auto_healing_enabled = y
auto_scaling_enabled = 1
min_node_count = -1
max_node_count = +7
csi_cinder_fstype = ext3
csi_cinder_volume_binding_mode = Immediate
csi_cinder_allow_volume_expansion = FALSE
extra_network_name = net-a net-b
octavia_provider = ovn
octavia_lb_healthcheck = off
fixed_subnet_cidr =
    10.1.0.0/24
api_master_lb_allowed_cidrs = 10.0.0.0/8, 192.168.0.0/16
boot_volume_size = 40
"""

_SCRIPT = (
    "import { readFileSync } from 'node:fs';"
    "import { CAPI_HELM_OPTIONS } from './src/migrate/capi-helm-options.ts';"
    "import { readCapiHelmOptions } from './src/migrate/magnum-conf.ts';"
    "console.log(JSON.stringify({ options: CAPI_HELM_OPTIONS,"
    " values: readCapiHelmOptions(readFileSync(process.argv[1], 'utf8')) }));"
)

_ERROR = object()


def _opt(option):
    kind = option["type"]["kind"]
    kwargs = {
        "default": option["default"],
        "deprecated_opts": [cfg.DeprecatedOpt(name, group=group) for group, name in option.get("deprecated", [])],
    }
    if kind == "str":
        return cfg.StrOpt(option["name"], choices=option["type"].get("choices"), **kwargs)
    return {"int": cfg.IntOpt, "bool": cfg.BoolOpt, "list": cfg.ListOpt}[kind](option["name"], **kwargs)


@unittest.skipUnless(shutil.which("node"), "node is needed to run the sidecar's reader")
class ImportReadsAsOsloConfigTest(unittest.TestCase):
    def setUp(self):
        fd, self.path = tempfile.mkstemp(suffix=".conf")
        with os.fdopen(fd, "w") as f:
            f.write(MAGNUM_CONF)
        self.addCleanup(os.unlink, self.path)
        out = subprocess.run(["node", "--import", "tsx", "--input-type=module", "-e", _SCRIPT, self.path],
                             cwd=ROOT, check=True, capture_output=True, text=True, timeout=120).stdout
        self.sidecar = json.loads(out)

    def _oslo(self):
        conf = cfg.ConfigOpts()
        for option in self.sidecar["options"]:
            conf.register_opt(_opt(option), group=option["group"])
        conf(args=[], default_config_files=[self.path])
        values = {}
        for option in self.sidecar["options"]:
            try:
                values["%s.%s" % (option["group"], option["name"])] = conf[option["group"]][option["name"]]
            except (ValueError, cfg.ConfigFileValueError):
                values["%s.%s" % (option["group"], option["name"])] = _ERROR
        return values

    def test_every_option_reads_as_oslo_reads_it(self):
        oslo = self._oslo()
        self.assertEqual(set(oslo), set(self.sidecar["values"]))
        for key, read in sorted(self.sidecar["values"].items()):
            with self.subTest(option=key):
                if oslo[key] is _ERROR:
                    self.assertFalse(read["ok"], "oslo.config refuses %s, the sidecar read %r" % (key, read))
                else:
                    self.assertTrue(read["ok"], "oslo.config reads %s as %r, the sidecar refused it: %r" % (key, oslo[key], read))
                    self.assertEqual(oslo[key], read["value"])

    def test_the_file_exercises_both_outcomes(self):
        # A comparison of two readers that agree only on defaults would prove nothing.
        oslo = self._oslo()
        by_default = {"%s.%s" % (o["group"], o["name"]): o["default"] for o in self.sidecar["options"]}
        changed = [k for k, v in oslo.items() if v is not _ERROR and v != by_default[k]]
        refused = [k for k, v in oslo.items() if v is _ERROR]
        self.assertGreaterEqual(len(changed), 20)
        self.assertEqual(["capi_helm_cluster_labels.auto_healing_enabled", "capi_helm_cluster_labels.etcd_blockdevice_size",
                          "capi_helm_cluster_labels.etcd_blockdevice_type"], sorted(refused))
