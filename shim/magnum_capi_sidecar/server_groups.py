"""The cluster's Nova server groups (label server_group_policies).

The sidecar decides which groups there are, under which policy and name
(its dry run answers `server_groups`); this module finds each by name or
creates it as the requesting user with Magnum's own Nova client, and deletes
them with an admin context once the sidecar says what they held is gone.
Names are the sidecar's: a retried create finds the group it made before
instead of making a second one.

Magnum up to 2026.1 hands out python-novaclient, from 2026.2 openstacksdk's
compute proxy; both are handled, told apart by the methods the client has."""
from magnum.common import clients
from magnum.common import context as magnum_context
from magnum.common import exception
from oslo_log import log as logging

LOG = logging.getLogger(__name__)


class ServerGroupConflict(exception.Conflict):
    message = "%(reason)s"


def _sdk(nova):
    return callable(getattr(nova, "server_groups", None))


def _list(nova, all_projects):
    if _sdk(nova):
        return list(nova.server_groups(all_projects=all_projects))
    return list(nova.server_groups.list(all_projects=all_projects))


def _policy(group):
    # Nova reports `policy` from API 2.64, a list `policies` before it.
    policy = getattr(group, "policy", None)
    if not policy:
        policy = (getattr(group, "policies", None) or [None])[0]
    return policy


def _create(nova, name, policy):
    if _sdk(nova):
        return nova.create_server_group(name=name, policies=[policy])
    try:
        # novaclient's create takes `policies` up to API 2.63 and `policy` from 2.64.
        return nova.server_groups.create(name=name, policies=[policy])
    except TypeError:
        return nova.server_groups.create(name=name, policy=policy)


def _delete(nova, group_id):
    if _sdk(nova):
        nova.delete_server_group(group_id, ignore_missing=True)
    else:
        nova.server_groups.delete(group_id)


def _by_name(groups, names, project_id=None):
    found = {}
    for g in groups:
        # Without API 2.13 Nova reports no project: the name (with the release's random suffix) decides.
        owner = getattr(g, "project_id", None)
        if g.name in names and (project_id is None or owner in (None, project_id)):
            found.setdefault(g.name, []).append(g)
    return found


def ensure(context, planned):
    """{name: {"id", "policy"}} for every group the sidecar planned, found by
    name in the user's project or created there. A group found keeps the
    policy Nova has: the sidecar refuses a render that asks for another."""
    if not planned:
        return {}
    nova = clients.OpenStackClients(context).nova()
    found = _by_name(_list(nova, all_projects=False), {p["name"] for p in planned})
    resolved = {}
    for plan in planned:
        groups = found.get(plan["name"], [])
        if len(groups) > 1:
            raise ServerGroupConflict(reason="%d server groups are named %s: delete all but the one the cluster's machines are in" % (
                len(groups), plan["name"]))
        group = groups[0] if groups else _create(nova, plan["name"], plan["policy"])
        if not groups:
            LOG.info("server group %s (%s) created as %s", plan["name"], plan["policy"], group.id)
        resolved[plan["name"]] = {"id": group.id, "policy": _policy(group) or plan["policy"]}
    return resolved


def delete(cluster, names):
    """Deletes the named groups of the cluster's project that Nova has, with an
    admin context (the status sync carries no user token). Never raises: it
    runs as Magnum's records of the cluster or node group go; a failure is
    logged and the group is left for an operator."""
    if not names:
        return
    try:
        nova = clients.OpenStackClients(magnum_context.make_admin_context()).nova()
        found = _by_name(_list(nova, all_projects=True), set(names), cluster.project_id)
    except Exception as e:
        LOG.warning("server groups %s of cluster %s not deleted: %s", ", ".join(names), cluster.uuid, e)
        return
    for name, groups in found.items():
        for group in groups:
            try:
                _delete(nova, group.id)
            except Exception as e:
                LOG.warning("server group %s (%s) of cluster %s not deleted: %s", name, group.id, cluster.uuid, e)
