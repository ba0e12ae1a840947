"""OpenStack facts the sidecar needs, resolved with Magnum's own clients."""
from magnum.api import utils as api_utils
from magnum.common import clients
from magnum.common import neutron
from oslo_utils import uuidutils


def _image(osc, identifier):
    image = api_utils.get_openstack_resource(osc.glance().images, identifier, "images")
    return {"id": image.id, "kube_version": image.get("kube_version"), "os_distro": image.get("os_distro")}


def _flavor(osc, identifier):
    nova = osc.nova()
    try:
        flavor = nova.flavors.get(identifier)
    except Exception:
        flavor = nova.flavors.find(name=identifier)
    return {"id": flavor.id, "name": flavor.name, "vcpus": flavor.vcpus, "ram": flavor.ram}


def _network_id(context, network):
    if not network:
        return None
    if uuidutils.is_uuid_like(network):
        return network
    return neutron.get_network(context, network, source="name", target="id", external=False)


def resolve(context, cluster, template, nodegroups):
    """Everything `resolved` holds in the spec document, for a render."""
    osc = clients.OpenStackClients(context)
    flavor_ids = {cluster.master_flavor_id, cluster.flavor_id}
    flavor_ids.update(ng.flavor_id for ng in nodegroups)
    image_ids = {ng.image_id for ng in nodegroups if ng.image_id and ng.image_id != template.image_id}
    return {
        "image": _image(osc, template.image_id),
        "images": {i: _image(osc, i) for i in sorted(image_ids)},
        "flavors": {f: _flavor(osc, f) for f in sorted(x for x in flavor_ids if x)},
        "external_network_id": neutron.get_external_network_id(context, template.external_network_id)
        if template.external_network_id else None,
        "fixed_network_id": _network_id(context, cluster.fixed_network),
        "fixed_subnet_id": neutron.get_fixed_subnet_id(context, cluster.fixed_subnet)
        if cluster.fixed_subnet else None,
        "volume_types": [t.name for t in osc.cinder().volume_types.list()],
        "auth_url": osc.url_for(service_type="identity", interface="public"),
        "project_id": context.project_id or cluster.project_id,
    }


def minimal(template):
    """What a status or delete call needs: nothing is rendered, so nothing is looked up."""
    return {"image": {"id": template.image_id}}
