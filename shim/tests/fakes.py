"""Fake OpenStack service clients: the only things the shim's tests fake."""
import uuid

IMAGE_ID = "6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a"
EXTERNAL_NET = "c1c1c1c1-0000-4000-8000-000000000001"


class _Image(dict):
    @property
    def id(self):
        return self["id"]


class _Images(object):
    def __init__(self, images):
        self.images = images

    def get(self, ident):
        return self.images[ident]

    def list(self, filters=None):
        name = (filters or {}).get("name")
        return [i for i in self.images.values() if i.get("name") == name]


class _Flavor(object):
    def __init__(self, id, name, vcpus, ram):
        self.id, self.name, self.vcpus, self.ram = id, name, vcpus, ram


class _Flavors(object):
    def __init__(self, flavors):
        self.flavors = flavors

    def get(self, ident):
        for f in self.flavors:
            if f.id == ident:
                return f
        raise LookupError(ident)

    def find(self, name):
        for f in self.flavors:
            if f.name == name:
                return f
        raise LookupError(name)


class _VolumeType(object):
    def __init__(self, name):
        self.name = name


class _AppCred(object):
    def __init__(self, store, name):
        self.id = uuid.uuid4().hex
        self.secret = "secret-" + uuid.uuid4().hex
        self.name = name
        self._store = store

    def delete(self):
        self._store.pop(self.id, None)


class _AppCreds(object):
    def __init__(self):
        self.store = {}

    def create(self, user, name, description):
        cred = _AppCred(self.store, name)
        self.store[cred.id] = cred
        return cred

    def get(self, ident):
        return self.store[ident]


class _Keystone(object):
    """Application credentials, plus the trusts Magnum before 2026.1 makes for every cluster."""

    def __init__(self, app_creds):
        self.client = type("KC", (), {"application_credentials": app_creds})()
        self.trusts = {}

    def create_trustee(self, name, password):
        return type("Trustee", (), {"name": name, "id": "trustee-" + uuid.uuid4().hex})()

    def create_trust(self, trustee_user):
        trust = type("Trust", (), {"id": "trust-" + uuid.uuid4().hex})()
        self.trusts[trust.id] = trustee_user
        return trust

    def delete_trust(self, context, cluster):
        self.trusts.pop(cluster.trust_id, None)

    def delete_trustee(self, trustee_id):
        pass


class Cloud(object):
    """One fake cloud shared by every OpenStackClients the code under test makes."""

    def __init__(self, kube_version="v1.31.4", vcpus=2, ram=4096):
        self.images = {IMAGE_ID: _Image(id=IMAGE_ID, name="ubuntu-2204-kube-v1.31.4", kube_version=kube_version, os_distro="ubuntu")}
        self.flavors = [_Flavor("3", "m1.medium", vcpus, ram), _Flavor("4", "m1.large", 4, 8192)]
        self.app_creds = _AppCreds()
        self.volume_types = [_VolumeType("__DEFAULT__")]
        self.keystone = _Keystone(self.app_creds)

    def clients(self, context):
        cloud = self

        class _Clients(object):
            def glance(self):
                return type("G", (), {"images": _Images(cloud.images)})()

            def nova(self):
                return type("N", (), {"flavors": _Flavors(cloud.flavors)})()

            def cinder(self):
                return type("C", (), {"volume_types": type("V", (), {"list": lambda s: cloud.volume_types})()})()

            def keystone(self):
                return cloud.keystone

            def neutron(self):
                raise AssertionError("networks are given as ids in these tests")

            def url_for(self, **kwargs):
                return "https://keystone.example.test/v3"

            def cinder_region_name(self):
                return "RegionOne"

        return _Clients()
