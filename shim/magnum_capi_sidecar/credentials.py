"""The cluster's OpenStack credentials: an application credential created as
the requesting user, and the CA key pairs Magnum generated for the cluster."""
import re
import secrets

import yaml
from magnum.common import cert_manager as magnum_cert_manager
from magnum.common import clients
from magnum.common import context as magnum_context
from magnum.common import utils as magnum_utils
from magnum.common.x509 import operations as x509
from magnum.conductor.handlers.common import cert_manager
from magnum.conf import CONF
from oslo_log import log as logging

from magnum_capi_sidecar import conf  # noqa: F401  registers [capi_sidecar]
from oslo_utils import encodeutils

LOG = logging.getLogger(__name__)


_PEM = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)


def app_cred_prefix(cluster):
    return "magnum-%s" % cluster.uuid


def _new_app_cred(context, cluster):
    kst_client = clients.OpenStackClients(context).keystone().client
    name = "%s-%s" % (app_cred_prefix(cluster), secrets.token_hex(4))
    description = "Magnum cluster (%s)" % (cluster.name or cluster.uuid)
    if hasattr(kst_client, "create_application_credential"):
        # openstacksdk's identity proxy (Magnum 2026.2 and later)
        return kst_client.create_application_credential(context.user_id, name=name, description=description)
    # python-keystoneclient (Magnum up to 2026.1)
    return kst_client.application_credentials.create(user=context.user_id, name=name, description=description)


def create(context, cluster):
    """clouds.yaml for a new application credential; needs the user's token."""
    osc = clients.OpenStackClients(context)
    cred = _new_app_cred(context, cluster)
    clouds = {"clouds": {"openstack": {
        "identity_api_version": 3,
        "region_name": osc.cinder_region_name(),
        "interface": CONF.capi_sidecar.app_cred_interface_type,
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
    # The CA bundle Cluster API's OpenStack provider and the cluster's cloud
    # integrations verify Keystone with. Their images trust no CA of their own,
    # so without Magnum's openstack_ca_file send the public roots (certifi's).
    ca = magnum_utils.get_openstack_ca()
    if not ca:
        import certifi  # requests depends on it: always there
        with open(certifi.where(), encoding="utf-8") as f:
            # The certificates only, without certifi's comments: a third smaller.
            ca = "\n".join(_PEM.findall(f.read())) + "\n"
    return ca


def delete(cluster, app_cred_id, user_ids=None):
    """Deletes the credential with an admin context, only if Magnum made it
    for this cluster. Keystone finds an application credential only under the
    user that owns it: `user_ids` are the possible owners, tried in order
    (default: the cluster's user). Never raises: it runs after Magnum's records
    say the cluster is gone, after a rotation succeeded, or while an error is
    being reported, where a Keystone failure must not stop the rest; it is
    logged instead."""
    owners = []
    for user_id in user_ids or (cluster.user_id,):
        if user_id and user_id not in owners:
            owners.append(user_id)
    try:
        kst_client = clients.OpenStackClients(magnum_context.make_admin_context()).keystone().client
        sdk = hasattr(kst_client, "get_application_credential")
    except Exception as e:
        LOG.warning("application credential %s of cluster %s not deleted: %s", app_cred_id, cluster.uuid, e)
        return False
    cred = owner = error = None
    for user_id in owners:
        try:
            if sdk:
                cred = kst_client.get_application_credential(user_id, app_cred_id)
            else:
                cred = kst_client.application_credentials.get(app_cred_id, user=user_id)
        except Exception as e:  # NotFound (another owner's, or gone), or no access
            error = e
            continue
        owner = user_id
        break
    if owner is None:
        LOG.warning("application credential %s of cluster %s not deleted: %s", app_cred_id, cluster.uuid,
                    error or "no user to look it up as")
        return False
    if not (cred.name or "").startswith(app_cred_prefix(cluster)):
        LOG.warning("application credential %s is not Magnum's for cluster %s; left alone", app_cred_id, cluster.uuid)
        return False
    try:
        if sdk:
            kst_client.delete_application_credential(owner, app_cred_id, ignore_missing=True)
        else:
            kst_client.application_credentials.delete(app_cred_id, user=owner)
    except Exception as e:
        LOG.warning("application credential %s of cluster %s not deleted: %s", app_cred_id, cluster.uuid, e)
        return False
    return True


def _pair(cert):
    key = x509.decrypt_key(cert.get_private_key(), cert.get_private_key_passphrase())
    return {"cert": encodeutils.safe_decode(cert.get_certificate()), "key": encodeutils.safe_decode(key)}


# The CAs Magnum generates for every cluster beyond the two its own
# clean-up at DELETE_COMPLETE removes (ca_cert_ref, magnum_cert_ref).
_EXTRA_CA_REFS = ("etcd_ca_cert_ref", "front_proxy_ca_cert_ref")


def delete_extra_cas(context, cluster):
    """Deletes the etcd and front-proxy CAs through Magnum's certificate
    manager, as Magnum deletes the other two: only this driver uses them.
    Never raises (it runs as Magnum is about to drop the cluster's rows); a
    failure is logged."""
    backend = magnum_cert_manager.get_backend().CertManager
    for field in _EXTRA_CA_REFS:
        ref = getattr(cluster, field, None)
        if not ref:
            continue
        try:
            backend.delete_cert(ref, resource_ref=cluster.uuid, context=context)
        except Exception as e:
            LOG.warning("%s of cluster %s not deleted: %s", field, cluster.uuid, e)


def certificates(context, cluster):
    """The four CAs Cluster API would otherwise generate; Magnum must keep them
    so that `openstack coe cluster config` trusts the cluster."""
    return {
        "ca": _pair(cert_manager.get_cluster_ca_certificate(cluster, context)),
        "etcd": _pair(cert_manager.get_cluster_ca_certificate(cluster, context, "etcd")),
        "proxy": _pair(cert_manager.get_cluster_ca_certificate(cluster, context, "front_proxy")),
        "sa": _pair(cert_manager.get_cluster_magnum_cert(cluster, context)),
    }
