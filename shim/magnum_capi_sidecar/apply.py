"""Writing the sidecar's status answer back onto Magnum's objects."""
from magnum.common import exception
from magnum.objects import fields


def _set(obj, field, value):
    if value is not None and getattr(obj, field, None) != value:
        setattr(obj, field, value)
        return True
    return False


def status_answer(cluster, answer):
    """Applies an answer of POST /v1/clusters/{uuid}/status; returns the app cred id at DELETE_COMPLETE."""
    by_name = {ng.name: ng for ng in cluster.nodegroups}
    # Node groups first, so the API never shows a complete cluster with groups in progress.
    for update in answer.get("nodegroups", []):
        ng = by_name.get(update["name"])
        if ng is None:
            continue
        changed = _set(ng, "status", update.get("status"))
        if ng.status_reason != update.get("status_reason"):
            ng.status_reason = update.get("status_reason")
            changed = True
        changed |= _set(ng, "node_count", update.get("node_count"))
        changed |= _set(ng, "node_addresses", update.get("node_addresses"))
        if changed:
            ng.save()
    for name in answer.get("deleted_nodegroups", []):
        ng = by_name.get(name)
        if ng is not None and not ng.is_default:
            try:
                ng.destroy()
            except exception.NodeGroupNotFound:
                pass  # another conductor's sync of the same cluster was first

    c = answer["cluster"]
    changed = _set(cluster, "status", c.get("status"))
    if cluster.status_reason != c.get("status_reason"):
        cluster.status_reason = c.get("status_reason")
        changed = True
    # Not master_addresses or node_addresses: on Magnum's Cluster (since
    # Magnum 9) they are read-only sums over its node groups, set above.
    for field in ("api_address", "coe_version"):
        changed |= _set(cluster, field, c.get(field))
    if changed:
        cluster.save()
    if cluster.status == fields.ClusterStatus.DELETE_COMPLETE:
        return answer.get("application_credential_id")
    return None
