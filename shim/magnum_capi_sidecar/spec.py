"""The spec document: Magnum's objects, with only the keys the sidecar accepts."""
CLUSTER_FIELDS = (
    "uuid", "name", "project_id", "user_id", "stack_id", "status", "status_reason",
    "keypair", "master_flavor_id", "flavor_id", "master_count", "node_count",
    "fixed_network", "fixed_subnet", "floating_ip_enabled", "master_lb_enabled",
    "create_timeout", "cluster_template_id", "api_address", "coe_version",
    "docker_volume_size", "health_status", "master_addresses", "node_addresses",
    "created_at", "updated_at",
)
TEMPLATE_FIELDS = (
    "uuid", "name", "image_id", "external_network_id", "dns_nameserver",
    "network_driver", "fixed_network", "fixed_subnet", "master_lb_enabled",
    "floating_ip_enabled", "coe", "server_type", "cluster_distro", "flavor_id",
    "master_flavor_id", "keypair_id",
)
NODEGROUP_FIELDS = (
    "uuid", "name", "role", "node_count", "min_node_count", "max_node_count",
    "flavor_id", "image_id", "is_default", "status", "status_reason",
    "node_addresses", "docker_volume_size", "stack_id", "version",
)


def _value(obj, field):
    try:
        value = getattr(obj, field)
    except Exception:  # unset fields of versioned objects raise
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _pick(obj, fields):
    out = {f: _value(obj, f) for f in fields}
    out["labels"] = {str(k): str(v) for k, v in (_value(obj, "labels") or {}).items()}
    return out


def _nodegroup(ng):
    """Magnum 2026.2 (API 1.14) and later add node labels and taints for the
    driver to apply. They are sent only when the object declares them, so an
    older Magnum sends neither and the sidecar renders the group as before."""
    out = _pick(ng, NODEGROUP_FIELDS)
    declared = getattr(ng, "fields", {})
    if "node_labels" in declared:
        labels = _value(ng, "node_labels")
        out["node_labels"] = None if labels is None else {str(k): str(v) for k, v in labels.items()}
    if "node_taints" in declared:
        taints = _value(ng, "node_taints")
        out["node_taints"] = None if taints is None else [
            {str(k): str(v) for k, v in t.items()} if isinstance(t, dict) else t for t in taints]
    return out


def document(cluster, template, nodegroups, resolved, credentials=None, certificates=None):
    spec = {
        "cluster": _pick(cluster, CLUSTER_FIELDS),
        "cluster_template": _pick(template, TEMPLATE_FIELDS),
        "nodegroups": [_nodegroup(ng) for ng in nodegroups],
        "resolved": resolved,
    }
    if spec["cluster"]["stack_id"] == "":
        spec["cluster"]["stack_id"] = None
    if credentials:
        spec["credentials"] = credentials
    if certificates:
        spec["certificates"] = certificates
    return spec
