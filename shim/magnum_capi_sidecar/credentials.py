"""The cluster's OpenStack credentials: an application credential created as
the requesting user, and the CA key pairs Magnum generated for the cluster."""
import secrets

import yaml
from magnum.common import clients
from magnum.common import context as magnum_context
from magnum.common.x509 import operations as x509
from magnum.conductor.handlers.common import cert_manager
from magnum.conf import CONF
from oslo_log import log as logging
from oslo_utils import encodeutils

LOG = logging.getLogger(__name__)


def app_cred_prefix(cluster):
    return "magnum-%s" % cluster.uuid


def create(context, cluster):
    """clouds.yaml for a new application credential; needs the user's token."""
    osc = clients.OpenStackClients(context)
    cred = osc.keystone().client.application_credentials.create(
        user=context.user_id,
        name="%s-%s" % (app_cred_prefix(cluster), secrets.token_hex(4)),
        description="Magnum cluster (%s)" % (cluster.name or cluster.uuid),
    )
    clouds = {"clouds": {"openstack": {
        "identity_api_version": 3,
        "region_name": osc.cinder_region_name(),
        "interface": "public",
        "verify": CONF.drivers.verify_ca,
        "auth_type": "v3applicationcredential",
        "auth": {
            "auth_url": osc.url_for(service_type="identity", interface="public"),
            "application_credential_id": cred.id,
            "application_credential_secret": cred.secret,
        },
    }}}
    return {
        "clouds_yaml": yaml.safe_dump(clouds),
        "cacert": _openstack_ca(),
        "application_credential_id": cred.id,
    }


def _openstack_ca():
    path = CONF.drivers.openstack_ca_file
    if path:
        with open(path, encoding="utf-8") as f:
            return f.read()
    return None


def delete(cluster, app_cred_id):
    """Deletes the credential with an admin context, only if Magnum made it for this cluster."""
    context = magnum_context.make_admin_context()
    kst = clients.OpenStackClients(context).keystone()
    try:
        cred = kst.client.application_credentials.get(app_cred_id)
    except Exception as e:  # keystoneauth's NotFound, or no access: nothing we may delete
        LOG.warning("application credential %s of cluster %s not deleted: %s", app_cred_id, cluster.uuid, e)
        return False
    if not cred.name.startswith(app_cred_prefix(cluster)):
        LOG.warning("application credential %s is not Magnum's for cluster %s; left alone", app_cred_id, cluster.uuid)
        return False
    cred.delete()
    return True


def _pair(cert):
    key = x509.decrypt_key(cert.get_private_key(), cert.get_private_key_passphrase())
    return {"cert": encodeutils.safe_decode(cert.get_certificate()), "key": encodeutils.safe_decode(key)}


def certificates(context, cluster):
    """The four CAs Cluster API would otherwise generate; Magnum must keep them
    so that `openstack coe cluster config` trusts the cluster."""
    return {
        "ca": _pair(cert_manager.get_cluster_ca_certificate(cluster, context)),
        "etcd": _pair(cert_manager.get_cluster_ca_certificate(cluster, context, "etcd")),
        "proxy": _pair(cert_manager.get_cluster_ca_certificate(cluster, context, "front_proxy")),
        "sa": _pair(cert_manager.get_cluster_magnum_cert(cluster, context)),
    }
