"""Fake OpenStack service clients: the only things the shim's tests fake.

They take the shape of the clients the installed Magnum really hands out:
python-glanceclient, -novaclient, -cinderclient and -keystoneclient managers
up to Magnum 2026.1, openstacksdk proxies (returning openstacksdk's own
resource classes) from Magnum 2026.2 on. A fake of the wrong shape would let
the shim pass against a client Magnum no longer has."""
import uuid

from magnum.common import keystone as magnum_keystone

IMAGE_ID = "6a1e0b44-53c8-4c2e-9f4e-0e0e2b7f5b1a"
EXTERNAL_NET = "c1c1c1c1-0000-4000-8000-000000000001"

# Magnum 2026.2 replaced every python-*client with openstacksdk at once.
SDK = hasattr(magnum_keystone, "sdk_connection")


class _NotFound(Exception):
    pass


def _not_found(what):
    if SDK:
        from openstack import exceptions
        return exceptions.NotFoundException("%s not found" % what)
    return _NotFound("%s not found" % what)


# --- the data the fake cloud holds ---------------------------------------

class _AppCred(object):
    def __init__(self, user, name, description):
        self.id = uuid.uuid4().hex
        self.secret = "secret-" + uuid.uuid4().hex
        self.user_id, self.name, self.description = user, name, description


class Cloud(object):
    """One fake cloud shared by every OpenStackClients the code under test makes."""

    def __init__(self, kube_version="v1.31.4", vcpus=2, ram=4096):
        self.images = {IMAGE_ID: {"id": IMAGE_ID, "name": "ubuntu-2204-kube-v1.31.4",
                                  "kube_version": kube_version, "os_distro": "ubuntu"}}
        self.flavors = [("3", "m1.medium", vcpus, ram), ("4", "m1.large", 4, 8192)]
        self.volume_types = ["__DEFAULT__"]
        # Manila's share types; None: no Manila in the catalog. manila_error: Manila answers with it.
        self.share_types = None
        self.manila_error = None
        self.manila_requests = []
        self.app_creds = {}
        # Every image identifier Glance was asked about, in order.
        self.image_lookups = []
        # Set to an exception to make Keystone fail application-credential calls
        # (delete_error: only deletions).
        self.keystone_error = None
        self.delete_error = None
        self.trusts = {}
        # Nova's server groups by id ({"id", "name", "policy", "project_id"}),
        # and every create and delete in order: ("create", name, policy, project) or ("delete", name, admin).
        self.server_groups = {}
        self.server_group_calls = []

    def add_image(self, image_id, name, kube_version, os_distro="ubuntu"):
        self.images[image_id] = {"id": image_id, "name": name, "kube_version": kube_version, "os_distro": os_distro}

    def _find_image(self, ident):
        self.image_lookups.append(ident)
        if ident in self.images:
            return self.images[ident]
        for image in self.images.values():
            if image["name"] == ident:
                return image
        raise _not_found("image %s" % ident)

    def _find_flavor(self, ident):
        for f in self.flavors:
            if ident in (f[0], f[1]):
                return f
        raise _not_found("flavor %s" % ident)

    def _create_app_cred(self, user, name, description):
        if self.keystone_error:
            raise self.keystone_error
        cred = _AppCred(user, name, description)
        self.app_creds[cred.id] = cred
        return cred

    def _get_app_cred(self, ident, user):
        # Keystone finds an application credential only under its owner
        # (/v3/users/{user}/application_credentials/{id}).
        if self.keystone_error:
            raise self.keystone_error
        if ident not in self.app_creds or self.app_creds[ident].user_id != user:
            raise _not_found("application credential %s of user %s" % (ident, user))
        return self.app_creds[ident]

    def _delete_app_cred(self, ident, user, ignore_missing=False):
        if self.keystone_error or self.delete_error:
            raise self.keystone_error or self.delete_error
        if ident not in self.app_creds or self.app_creds[ident].user_id != user:
            if ignore_missing:
                return
            raise _not_found("application credential %s of user %s" % (ident, user))
        self.app_creds.pop(ident)

    def add_server_group(self, name, policy, project_id):
        group = {"id": str(uuid.uuid4()), "name": name, "policy": policy, "project_id": project_id}
        self.server_groups[group["id"]] = group
        return group

    def _list_server_groups(self, context, all_projects):
        # Nova's default policy lets only an admin list every project's groups.
        if all_projects and not context.is_admin:
            raise RuntimeError("Policy doesn't allow os_compute_api:os-server-groups:index:all_projects to be performed.")
        return [g for g in self.server_groups.values() if all_projects or g["project_id"] == context.project_id]

    def _create_server_group(self, context, name, policy):
        if policy not in ("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"):
            raise RuntimeError("Invalid input for field/attribute policy")
        self.server_group_calls.append(("create", name, policy, context.project_id))
        return self.add_server_group(name, policy, context.project_id)

    def _delete_server_group(self, context, ident):
        group = self.server_groups.get(ident)
        if group is None or not (context.is_admin or group["project_id"] == context.project_id):
            raise _not_found("server group %s" % ident)
        self.server_group_calls.append(("delete", group["name"], context.is_admin))
        del self.server_groups[ident]

    def clients(self, context):
        return (_SdkClients if SDK else _LegacyClients)(self, context)


class _Clients(object):
    def __init__(self, cloud, context=None):
        self.cloud = cloud
        self.context = context

    def keystone(self):
        return _Keystone(self.cloud)

    def neutron(self):
        raise AssertionError("networks are given as ids in these tests")

    def url_for(self, **kwargs):
        return "https://keystone.example.test/v3"

    def cinder_region_name(self):
        return "RegionOne"


class _Keystone(object):
    """Magnum's KeystoneClientV3: `.client` plus the trusts Magnum before 2026.1 makes for every cluster."""

    def __init__(self, cloud):
        self.cloud = cloud
        self.client = (_SdkIdentity if SDK else _LegacyKeystoneClient)(cloud)
        self.session = _Session(cloud)

    def create_trustee(self, name, password):
        return type("Trustee", (), {"name": name, "id": "trustee-" + uuid.uuid4().hex})()

    def create_trust(self, trustee_user):
        trust = type("Trust", (), {"id": "trust-" + uuid.uuid4().hex})()
        self.cloud.trusts[trust.id] = trustee_user
        return trust

    def delete_trust(self, context, cluster):
        self.cloud.trusts.pop(getattr(cluster, "trust_id", None), None)

    def delete_trustee(self, trustee_id):
        pass


class _Session(object):
    """keystoneauth1's Session, as far as a request by endpoint filter goes (Manila's share types)."""

    def __init__(self, cloud):
        self.cloud = cloud

    def get(self, url, endpoint_filter=None, **kwargs):
        from keystoneauth1 import exceptions as ks_exceptions
        self.cloud.manila_requests.append((url, endpoint_filter))
        if (endpoint_filter or {}).get("service_type") != "sharev2" or self.cloud.share_types is None:
            raise ks_exceptions.EndpointNotFound()
        if self.cloud.manila_error is not None:
            raise self.cloud.manila_error
        body = {"share_types": [{"id": "st-%d" % i, "name": n} for i, n in enumerate(self.cloud.share_types)]}
        return type("Response", (), {"json": lambda s: body})()


# --- python-*client shapes (Magnum up to 2026.1) -------------------------

class _GlanceImage(dict):
    """Like glanceclient's warlock models: a dict whose keys read as attributes."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


class _LegacyImages(object):
    def __init__(self, cloud):
        self.cloud = cloud

    def get(self, ident):
        from glanceclient import exc
        try:
            return _GlanceImage(self.cloud._find_image(ident))
        except _NotFound:
            raise exc.HTTPNotFound(ident)

    def list(self, filters=None):
        name = (filters or {}).get("name")
        self.cloud.image_lookups.append(name)
        return [_GlanceImage(i) for i in self.cloud.images.values() if i["name"] == name]


class _LegacyFlavor(object):
    def __init__(self, f):
        self.id, self.name, self.vcpus, self.ram = f


class _LegacyFlavors(object):
    def __init__(self, cloud):
        self.cloud = cloud

    def get(self, ident):
        f = self.cloud._find_flavor(ident)
        if f[0] != ident:
            raise _NotFound(ident)  # novaclient's get() takes ids only
        return _LegacyFlavor(f)

    def find(self, name):
        f = self.cloud._find_flavor(name)
        if f[1] != name:
            raise _NotFound(name)
        return _LegacyFlavor(f)

    def list(self, **kwargs):
        return [_LegacyFlavor(f) for f in self.cloud.flavors]


class _LegacyServerGroups(object):
    """novaclient's manager as Magnum's client has it (API below 2.64: `policies`, a list)."""

    def __init__(self, cloud, context):
        self.cloud, self.context = cloud, context

    @staticmethod
    def _resource(g):
        from novaclient.v2 import server_groups
        return server_groups.ServerGroup(None, {"id": g["id"], "name": g["name"], "policies": [g["policy"]],
                                                "project_id": g["project_id"]}, loaded=True)

    def list(self, all_projects=False, limit=None, offset=None):
        return [self._resource(g) for g in self.cloud._list_server_groups(self.context, all_projects)]

    def create(self, name, policies):
        return self._resource(self.cloud._create_server_group(self.context, name, policies[0]))

    def delete(self, id):
        self.cloud._delete_server_group(self.context, id)


class _LegacyAppCreds(object):
    def __init__(self, cloud):
        self.cloud = cloud

    def create(self, name, user=None, secret=None, description=None, **kwargs):
        return self.cloud._create_app_cred(user, name, description)

    def get(self, application_credential, user=None):
        return self.cloud._get_app_cred(application_credential, user)

    def delete(self, application_credential, user=None):
        self.cloud._delete_app_cred(application_credential, user)


class _LegacyKeystoneClient(object):
    def __init__(self, cloud):
        self.application_credentials = _LegacyAppCreds(cloud)


class _LegacyClients(_Clients):
    def glance(self):
        return type("Glance", (), {"images": _LegacyImages(self.cloud)})()

    def nova(self):
        return type("Nova", (), {"flavors": _LegacyFlavors(self.cloud),
                                 "server_groups": _LegacyServerGroups(self.cloud, self.context)})()

    def cinder(self):
        names = self.cloud.volume_types
        return type("Cinder", (), {"volume_types": type("V", (), {
            "list": lambda s: [type("VT", (), {"name": n})() for n in names]})()})()


# --- openstacksdk shapes (Magnum 2026.2 and later) ------------------------

class _SdkImage(object):
    def __init__(self, cloud):
        self.cloud = cloud

    def find_image(self, name_or_id, ignore_missing=True, **query):
        from openstack.image.v2 import image
        try:
            return image.Image.existing(**self.cloud._find_image(name_or_id))
        except Exception:
            if ignore_missing:
                return None
            raise


class _SdkCompute(object):
    def __init__(self, cloud, context=None):
        self.cloud, self.context = cloud, context

    def _flavor(self, f):
        from openstack.compute.v2 import flavor
        return flavor.Flavor.existing(id=f[0], name=f[1], vcpus=f[2], ram=f[3])

    def find_flavor(self, name_or_id, ignore_missing=True, **query):
        try:
            return self._flavor(self.cloud._find_flavor(name_or_id))
        except Exception:
            if ignore_missing:
                return None
            raise

    def flavors(self, details=True, **query):
        return (self._flavor(f) for f in self.cloud.flavors)

    @staticmethod
    def _server_group(g):
        from openstack.compute.v2 import server_group
        return server_group.ServerGroup.existing(id=g["id"], name=g["name"], policy=g["policy"],
                                                 policies=[g["policy"]], project_id=g["project_id"])

    def server_groups(self, *, all_projects=False, **query):
        return (self._server_group(g) for g in self.cloud._list_server_groups(self.context, all_projects))

    def create_server_group(self, **attrs):
        policy = attrs.get("policy") or (attrs.get("policies") or [None])[0]
        return self._server_group(self.cloud._create_server_group(self.context, attrs["name"], policy))

    def delete_server_group(self, server_group, ignore_missing=True):
        try:
            self.cloud._delete_server_group(self.context, server_group)
        except Exception:
            if not ignore_missing:
                raise


class _SdkBlockStorage(object):
    def __init__(self, cloud):
        self.cloud = cloud

    def types(self, **query):
        from openstack.block_storage.v3 import type as volume_type
        return (volume_type.Type.existing(id=uuid.uuid4().hex, name=n) for n in self.cloud.volume_types)


class _SdkIdentity(object):
    def __init__(self, cloud):
        self.cloud = cloud

    @staticmethod
    def _resource(cred):
        from openstack.identity.v3 import application_credential as ac
        return ac.ApplicationCredential.existing(
            id=cred.id, name=cred.name, secret=cred.secret, user_id=cred.user_id, description=cred.description)

    def create_application_credential(self, user, name, **attrs):
        return self._resource(self.cloud._create_app_cred(user, name, attrs.get("description")))

    def get_application_credential(self, user, application_credential):
        return self._resource(self.cloud._get_app_cred(application_credential, user))

    def delete_application_credential(self, user, application_credential, ignore_missing=True):
        self.cloud._delete_app_cred(application_credential, user, ignore_missing=ignore_missing)


class _SdkClients(_Clients):
    def glance(self):
        return _SdkImage(self.cloud)

    def nova(self):
        return _SdkCompute(self.cloud, self.context)

    def cinder(self):
        return _SdkBlockStorage(self.cloud)
