"""The fake cloud of tests/fakes.py, with what magnum-api also asks of the
OpenStack services before it accepts a template or a cluster: the external
network (Neutron), flavors with a root disk and the key pair (Nova). Same
rule as there: the shape of the clients the installed Magnum hands out."""
from tests import fakes

EXTERNAL_NET_NAME = "public"
KEYPAIR = "default"


class ApiCloud(fakes.Cloud):
    def clients(self, context):
        return (_SdkClients if fakes.SDK else _LegacyClients)(self, context)


class _Network(object):
    def __init__(self):
        self.id, self.name, self.is_router_external = fakes.EXTERNAL_NET, EXTERNAL_NET_NAME, True


class _SdkNetwork(object):
    """openstacksdk's network proxy: generators of Network resources."""

    def networks(self, **query):
        from openstack.network.v2 import network
        net = _Network()
        resource = network.Network.existing(id=net.id, name=net.name, is_router_external=True)
        external = query.get("is_router_external")
        if external is False:
            return iter(())
        if "name" in query and query["name"] != net.name:
            return iter(())
        return iter([resource])

    def subnets(self, **query):
        return iter(())


class _LegacyNeutron(object):
    """python-neutronclient: dicts under a "networks" key."""

    def list_networks(self, **filters):
        net = _Network()
        if filters.get("router:external") is False:
            return {"networks": []}
        if "name" in filters and filters["name"] != net.name:
            return {"networks": []}
        return {"networks": [{"id": net.id, "name": net.name, "router:external": True}]}

    def list_subnets(self, **filters):
        return {"subnets": []}


class _SdkCompute(fakes._SdkCompute):
    def _flavor(self, f):
        from openstack.compute.v2 import flavor
        return flavor.Flavor.existing(id=f[0], name=f[1], vcpus=f[2], ram=f[3], disk=20)

    def get_keypair(self, keypair):
        from openstack import exceptions
        if keypair != KEYPAIR:
            raise exceptions.ResourceNotFound("keypair %s" % keypair)
        return {"name": keypair}


class _LegacyFlavor(fakes._LegacyFlavor):
    disk = 20


class _LegacyFlavors(fakes._LegacyFlavors):
    def get(self, ident):
        return _as_legacy(super(_LegacyFlavors, self).get(ident))

    def find(self, name):
        return _as_legacy(super(_LegacyFlavors, self).find(name))

    def list(self, **kwargs):
        return [_as_legacy(f) for f in super(_LegacyFlavors, self).list(**kwargs)]


def _as_legacy(f):
    return _LegacyFlavor((f.id, f.name, f.vcpus, f.ram))


class _LegacyKeypairs(object):
    def get(self, keypair):
        from novaclient import exceptions
        if keypair != KEYPAIR:
            raise exceptions.NotFound(404, "keypair %s" % keypair)
        return {"name": keypair}


class _Keystone(fakes._Keystone):
    # Magnum before 2026.1 looks the trustees' domain up on every API request.
    trustee_domain_id = "d0d0d0d0d0d04d0d8d0d0d0d0d0d0d0d"


class _SdkClients(fakes._SdkClients):
    def keystone(self):
        return _Keystone(self.cloud)

    def neutron(self):
        return _SdkNetwork()

    def nova(self):
        return _SdkCompute(self.cloud, self.context)


class _LegacyClients(fakes._LegacyClients):
    def keystone(self):
        return _Keystone(self.cloud)

    def neutron(self):
        return _LegacyNeutron()

    def nova(self):
        return type("Nova", (), {"flavors": _LegacyFlavors(self.cloud), "keypairs": _LegacyKeypairs(),
                                 "server_groups": fakes._LegacyServerGroups(self.cloud, self.context)})()
