"""OpenStack facts the sidecar needs, resolved with Magnum's own clients.

Magnum up to 2026.1 hands out the python-*client libraries (glanceclient,
novaclient, cinderclient); from 2026.2 (magnum 23) `OpenStackClients` returns
openstacksdk proxies instead. Both are handled here, told apart by the
methods the client has, never by Magnum's version number."""
from keystoneauth1 import exceptions as ks_exceptions
from magnum.api import attr_validator
from magnum.common import clients
from magnum.common import neutron
from magnum.conf import CONF
from oslo_log import log as logging
from oslo_utils import uuidutils

LOG = logging.getLogger(__name__)


def _image_property(image, name):
    # glanceclient images are dicts of every property. openstacksdk images
    # declare some (os_distro) as attributes and pack unknown ones (kube_version)
    # into `properties`; their dict-style get() sees neither.
    value = getattr(image, name, None)
    if value is None and hasattr(image, "get"):
        value = image.get(name)
    if value is None:
        value = (getattr(image, "properties", None) or {}).get(name)
    return value


def _image(osc, identifier):
    # Magnum's own look-up (either client), with its errors: ImageNotFound,
    # ImageNotAuthorized, OSDistroFieldNotFound.
    image = attr_validator.validate_image(osc, identifier)
    return {
        "id": image.id,
        "kube_version": _image_property(image, "kube_version"),
        "os_distro": _image_property(image, "os_distro"),
    }


def _flavor(osc, identifier):
    nova = osc.nova()
    if hasattr(nova, "find_flavor"):
        flavor = nova.find_flavor(identifier, ignore_missing=False)
    else:
        try:
            flavor = nova.flavors.get(identifier)
        except Exception:
            flavor = nova.flavors.find(name=identifier)
    return {"id": flavor.id, "name": flavor.name, "vcpus": flavor.vcpus, "ram": flavor.ram}


def _volume_types(osc):
    cinder = osc.cinder()
    if hasattr(cinder, "volume_types"):
        return [t.name for t in cinder.volume_types.list()]
    return [t.name for t in cinder.types()]


def _share_types(osc):
    """Manila's share type names, or None when the catalog has no Manila.

    Magnum has no Manila client, so the list is read through its Keystone
    session (the caller's token, Magnum's TLS settings). A Manila that is in
    the catalog but fails is an error, not "no Manila": rendering without it
    would take the storage classes away from a cluster that has them."""
    session = osc.keystone().session
    try:
        response = session.get("/types", endpoint_filter={"service_type": "sharev2", "interface": "public"})
    except ks_exceptions.EndpointNotFound:
        return None
    return [t["name"] for t in response.json().get("share_types", [])]


def _network_id(context, network):
    if not network:
        return None
    if uuidutils.is_uuid_like(network):
        return network
    return neutron.get_network(context, network, source="name", target="id", external=False)


def resolve(context, cluster, template, nodegroups):
    """Everything `resolved` holds in the spec document, for a render.

    The template's image only: the render uses it for every node group, and
    the sidecar reads no node group's own image (Magnum keeps the one a group
    was created with, which may be gone from Glance after an upgrade)."""
    osc = clients.OpenStackClients(context)
    flavor_ids = {cluster.master_flavor_id, cluster.flavor_id}
    flavor_ids.update(ng.flavor_id for ng in nodegroups)
    return {
        "image": _image(osc, template.image_id),
        "flavors": {f: _flavor(osc, f) for f in sorted(x for x in flavor_ids if x)},
        "external_network_id": neutron.get_external_network_id(context, template.external_network_id)
        if template.external_network_id else None,
        "fixed_network_id": _network_id(context, cluster.fixed_network),
        "fixed_subnet_id": neutron.get_fixed_subnet_id(context, cluster.fixed_subnet)
        if cluster.fixed_subnet else None,
        "volume_types": _volume_types(osc),
        "share_types": _share_types(osc),
        "auth_url": osc.url_for(service_type="identity", interface="public"),
        "project_id": context.project_id or cluster.project_id,
        **boot_volume_defaults(),
    }


def boot_volume_defaults():
    """Magnum's `[cinder]` boot volume defaults, which magnum-capi-helm used
    when neither a label nor its site default set the boot volume: without
    them a site's nodes would move from volumes to local disks, every one
    replaced. Empty or 0 (Magnum's defaults) means none."""
    return {
        "default_boot_volume_type": CONF.cinder.default_boot_volume_type or None,
        "default_boot_volume_size": CONF.cinder.default_boot_volume_size or None,
    }


def minimal(template):
    """What a status or delete call needs: nothing is rendered, so nothing is looked up."""
    return {"image": {"id": template.image_id}}
