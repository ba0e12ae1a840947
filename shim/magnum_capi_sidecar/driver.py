"""The Magnum driver: each call builds the spec document, sends it to the
sidecar, and writes the answer back. Only this side touches Magnum's objects."""
from magnum.common import exception
from magnum.drivers.common import driver
from magnum.objects import fields
from oslo_log import log as logging

from magnum_capi_sidecar import apply
from magnum_capi_sidecar import client as sidecar
from magnum_capi_sidecar import credentials
from magnum_capi_sidecar import facts
from magnum_capi_sidecar import server_groups
from magnum_capi_sidecar import spec as spec_document

LOG = logging.getLogger(__name__)


def _refused(error):
    """True when the sidecar answered with a refusal (4xx), which it gives
    before it writes anything; False for 5xx, timeouts and the like."""
    return isinstance(error, exception.MagnumException) and not isinstance(
        error, (sidecar.SidecarError, sidecar.SidecarUnavailable))


def _fail_groups(cluster, reason):
    """A create that raised leaves the cluster CREATE_FAILED (Magnum's
    conductor sets it) and Magnum polls no failed cluster: its groups,
    created CREATE_IN_PROGRESS, would stay so for ever. They take the
    cluster's status and reason (the conductor's str(e)). Never raises: the
    create's own error is the one to report."""
    try:
        for ng in cluster.nodegroups:
            if ng.status == fields.ClusterStatus.CREATE_IN_PROGRESS:
                ng.status = fields.ClusterStatus.CREATE_FAILED
                ng.status_reason = reason
                ng.save()
    except Exception as e:
        LOG.warning("node groups of cluster %s not marked failed: %s", cluster.uuid, e)


def _mark_updating(nodegroups):
    """Marks the groups an update changes UPDATE_IN_PROGRESS: the status
    sync keeps a cluster in progress only while a group is, so a group left
    COMPLETE would let the first sync report UPDATE_COMPLETE before its
    MachineDeployment settled, and a scale-up that then fails would never be
    seen (Magnum stops polling)."""
    for ng in nodegroups:
        if ng.status != fields.ClusterStatus.UPDATE_IN_PROGRESS:
            ng.status = fields.ClusterStatus.UPDATE_IN_PROGRESS
            ng.status_reason = None
            ng.save()


# How the reason of an outcome the shim could not learn begins; the sidecar
# heals a cluster failed with it (src/status/vocabulary.ts HEALABLE_REASON_PREFIX).
OUTCOME_UNKNOWN = "outcome unknown: "


def _outcome_unknown(cluster, operation, error):
    """The sidecar may have done it (helm may still be running): the cluster
    stays *_IN_PROGRESS, as the conductor leaves it when the driver returns,
    and the status poll decides from the management cluster, helm's own
    record included. Raising would have the conductor write *_FAILED for an
    outcome nobody knows, and Magnum stops polling failed clusters."""
    LOG.warning("%s of cluster %s: %s; the status poll decides", operation, cluster.uuid, error)
    cluster.status_reason = "%s%s: %s; the status poll decides from the management cluster" % (
        OUTCOME_UNKNOWN, operation, error)


def _in_progress(context, cluster):
    """Whether the cluster's stored status is *_IN_PROGRESS: re-read, as an
    operation may have started during a synchronous call."""
    status = cluster.status
    try:
        status = cluster.__class__.get_by_uuid(context, cluster.uuid).status
    except Exception as e:
        LOG.warning("status of cluster %s not re-read: %s", cluster.uuid, e)
    return (status or "").endswith("_IN_PROGRESS")


class Driver(driver.Driver):
    # Application credentials replace trusts; Magnum must not create one.
    needs_trust = False

    def __init__(self):
        # Magnum instantiates every driver at discovery: nothing here may fail.
        self._client = None

    @property
    def client(self):
        if self._client is None:
            self._client = sidecar.Client()
        return self._client

    @property
    def provides(self):
        # The same (server_type, os, coe) as magnum-capi-helm, so templates keep working.
        return [
            {"server_type": "vm", "os": "ubuntu", "coe": "kubernetes"},
            {"server_type": "vm", "os": "flatcar", "coe": "kubernetes"},
        ]

    # Magnum's API asks the driver before a resize of the control plane (and,
    # with the base class's validate_master_size, before a create). The sidecar
    # resizes the control plane like any group, so a resize allows what a
    # create allows: Magnum's own rule, an odd count of at least one (the base
    # class refuses every control-plane resize). Both methods came with Magnum
    # 20.0.0 (2025.1); before it the API calls neither.
    def validate_master_resize(self, node_count):
        self.validate_master_size(node_count)

    # The spec document, with the OpenStack facts a render needs.
    def _spec(self, context, cluster, template=None, nodegroups=None, resolve=True, **extra):
        template = template or cluster.cluster_template
        nodegroups = list(cluster.nodegroups) if nodegroups is None else nodegroups
        resolved = facts.resolve(context, cluster, template, nodegroups) if resolve else facts.minimal(template)
        spec = spec_document.document(cluster, template, nodegroups, resolved, **extra)
        if resolve and spec["cluster"]["stack_id"]:
            self._resolve_server_groups(context, spec)
        return spec

    def _resolve_server_groups(self, context, spec, plan=None):
        """Every render needs the ids of the Nova server groups its labels ask
        for: the sidecar's dry run names them (`plan`, when the caller made
        it already), and they are found by name or created as the requesting
        user before the call that renders."""
        if plan is None:
            plan = self.client._send("POST", "/v1/values", spec)
        spec["resolved"]["server_groups"] = server_groups.ensure(context, plan.get("server_groups") or [])

    def create_cluster(self, context, cluster, cluster_create_timeout):
        try:
            self._create_cluster(context, cluster)
        except Exception as e:
            _fail_groups(cluster, str(e))
            raise

    def _create_cluster(self, context, cluster):
        spec = self._spec(context, cluster)
        # Validate and learn the release name first, and save it before any side effect.
        plan = self.client._send("POST", "/v1/values", spec)
        cluster.stack_id = plan["release"]
        cluster.save()
        spec["cluster"]["stack_id"] = cluster.stack_id
        # Named after the release: a retried create finds the groups made before.
        self._resolve_server_groups(context, spec, plan)
        creds = credentials.create(context, cluster)
        try:
            spec["credentials"] = creds
            spec["certificates"] = credentials.certificates(context, cluster)
        except Exception:
            # The sidecar never saw this credential: take it back.
            credentials.delete(cluster, creds["application_credential_id"])
            raise
        try:
            self.client.create_cluster(spec)
        except sidecar.OutcomeUnknown as e:
            # The sidecar may have stored the credential and CAPO be using it:
            # it stays; at DELETE_COMPLETE the sidecar names it and it goes then.
            _outcome_unknown(cluster, "create (application credential %s kept)" % creds["application_credential_id"], e)
        except Exception as e:
            if _refused(e):
                # The sidecar refused before writing anything: nothing uses it.
                credentials.delete(cluster, creds["application_credential_id"])
            else:
                # A timeout or a 5xx: the sidecar may have stored it already
                # and Cluster API's OpenStack provider be using it. It stays;
                # at DELETE_COMPLETE the sidecar names it and it is deleted then.
                LOG.warning("create of cluster %s failed with an unknown outcome; application "
                            "credential %s kept, as the cluster may use it", cluster.uuid,
                            creds["application_credential_id"])
            raise

    def update_cluster(self, context, cluster, scale_manager=None, rollback=False):
        try:
            self.client.update_cluster(cluster.uuid, self._spec(context, cluster))
        except sidecar.OutcomeUnknown as e:
            _outcome_unknown(cluster, "update", e)
        # Magnum's cluster update changes one thing, the default worker
        # group's node_count (saved before this call), as its resize does,
        # which marks the group; this marks it the same way. Once the sidecar
        # accepted, or may have: no status sync runs before the conductor
        # returns (it polls only clusters in progress), and a refusal leaves
        # it as it was.
        _mark_updating([cluster.default_ng_worker])

    def resize_cluster(self, context, cluster, resize_manager, node_count, nodes_to_remove, nodegroup=None):
        nodegroup = nodegroup or cluster.default_ng_worker
        try:
            self.client.resize_cluster(cluster.uuid, self._spec(context, cluster), node_count, nodes_to_remove, nodegroup.name)
        except sidecar.OutcomeUnknown as e:
            _outcome_unknown(cluster, "resize", e)

    def upgrade_cluster(self, context, cluster, cluster_template, max_batch_size, nodegroup, scale_manager=None, rollback=False):
        spec = self._spec(context, cluster, template=cluster_template)
        try:
            self.client.upgrade_cluster(cluster.uuid, spec, max_batch_size, nodegroup.name if nodegroup else None)
        except sidecar.OutcomeUnknown as e:
            # Taken as applied (helm goes on after the client gave up): the
            # cluster moves to the new template, and should helm not have
            # applied it, the version guard refuses any render of the old one.
            _outcome_unknown(cluster, "upgrade", e)
        for ng in cluster.nodegroups:
            ng.status = fields.ClusterStatus.UPDATE_IN_PROGRESS
            ng.save()
        # The conductor does not move the cluster to its new template: the driver must.
        cluster.cluster_template_id = cluster_template.uuid
        cluster.save()

    def delete_cluster(self, context, cluster):
        # Groups first: a status poll may run before this call returns.
        for ng in cluster.nodegroups:
            ng.status = fields.ClusterStatus.DELETE_IN_PROGRESS
            ng.save()
        try:
            self.client.delete_cluster(cluster.uuid, self._spec(context, cluster, resolve=False))
        except sidecar.OutcomeUnknown as e:
            _outcome_unknown(cluster, "delete", e)

    def create_nodegroup(self, context, cluster, nodegroup):
        nodegroup.status = fields.ClusterStatus.CREATE_IN_PROGRESS
        nodegroup.save()
        try:
            self.client.create_nodegroup(cluster.uuid, self._spec(context, cluster), nodegroup.name)
        except sidecar.OutcomeUnknown as e:
            _outcome_unknown(cluster, "node-group create", e)

    def update_nodegroup(self, context, cluster, nodegroup):
        nodegroup.status = fields.ClusterStatus.UPDATE_IN_PROGRESS
        nodegroup.save()
        try:
            self.client.update_nodegroup(cluster.uuid, self._spec(context, cluster), nodegroup.name)
        except sidecar.OutcomeUnknown as e:
            _outcome_unknown(cluster, "node-group update", e)

    def delete_nodegroup(self, context, cluster, nodegroup):
        # The conductor saves nothing on success: the status is ours to save.
        nodegroup.status = fields.ClusterStatus.DELETE_IN_PROGRESS
        nodegroup.save()
        try:
            self.client.delete_nodegroup(cluster.uuid, self._spec(context, cluster), nodegroup.name)
        except sidecar.OutcomeUnknown as e:
            _outcome_unknown(cluster, "node-group delete", e)

    def update_cluster_status(self, context, cluster, use_admin_ctx=False):
        # Runs every 10 s with an admin context and no user token: no OpenStack look-ups.
        answer = self.client.cluster_status(cluster.uuid, self._spec(context, cluster, resolve=False))
        app_cred_id = apply.status_answer(cluster, answer)
        if app_cred_id:
            credentials.delete(cluster, app_cred_id)
        # Those of node groups gone, and at DELETE_COMPLETE all of the cluster's.
        server_groups.delete(cluster, answer.get("server_groups_to_delete") or [])
        if cluster.status == fields.ClusterStatus.DELETE_COMPLETE:
            credentials.delete_extra_cas(context, cluster)

    def get_monitor(self, context, cluster):
        from magnum_capi_sidecar.monitor import Monitor
        return Monitor(context, cluster, self.client, self)

    # Magnum's credential conductor (2025.2 to master) only checks that the
    # cluster's status allows a rotation and calls this method: unlike the
    # cluster and CA conductors, it neither sets a status around the call nor
    # saves the cluster. The status is the driver's to set (magnum-capi-helm,
    # the driver this API was written for, sets UPDATE_COMPLETE, or
    # UPDATE_FAILED with the reason), and after the 60 s RPC timeout it is the
    # only place the user learns the outcome. So: UPDATE_COMPLETE once the
    # sidecar applied the new credential; UPDATE_FAILED with the reason when
    # the outcome is unknown (timeout, 5xx: the new credential may be in use;
    # Magnum allows a rotation from UPDATE_FAILED, so it can be retried);
    # untouched when nothing happened (the sidecar refused, or no credential
    # was made), as Magnum leaves it for a refused upgrade, the caller having
    # the error at once. Never over an *_IN_PROGRESS status (Magnum allows a
    # rotation while UPDATE_IN_PROGRESS): Magnum polls only clusters in
    # progress, so a COMPLETE or FAILED written over a running operation would
    # strand it; the status sync finishes that one.
    def rotate_credential(self, context, cluster):
        # The new credential is the rotating user's, and so becomes the
        # cluster (as with magnum-capi-helm): the usual reason to rotate is
        # that the owner is leaving.
        old_user_id = cluster.user_id
        new_user_id = context.user_id or old_user_id
        creds = None
        try:
            cluster.user_id = new_user_id
            spec = self._spec(context, cluster)
            creds = credentials.create(context, cluster)
            spec["credentials"] = creds
            answer = self.client.rotate_credential(cluster.uuid, spec)
        except sidecar.OutcomeUnknown as e:
            # No answer came (a timeout, a connection lost after sending): the
            # sidecar may have applied the new credential. Both stay, and the
            # cluster goes in progress so the status poll decides; a FAILED
            # here would be a guess, and Magnum stops polling failed clusters.
            cluster.user_id = old_user_id
            if not _in_progress(context, cluster):
                cluster.status = fields.ClusterStatus.UPDATE_IN_PROGRESS
                _outcome_unknown(cluster, "credential rotation (application credentials %s and the one "
                                 "it would replace kept)" % creds["application_credential_id"], e)
                cluster.save()
            return
        except Exception as e:
            cluster.user_id = old_user_id
            if creds and _refused(e):
                # The sidecar refused before writing anything: nothing uses it.
                credentials.delete(cluster, creds["application_credential_id"], user_ids=[new_user_id])
            elif creds:
                LOG.warning("rotation of cluster %s failed with an unknown outcome; application "
                            "credential %s kept, as the cluster may use it", cluster.uuid,
                            creds["application_credential_id"])
                if not _in_progress(context, cluster):
                    cluster.status = fields.ClusterStatus.UPDATE_FAILED
                    cluster.status_reason = (
                        "credential rotation failed with an unknown outcome (application credential %s "
                        "may be in use; rotate again): %s" % (creds["application_credential_id"], e))
                    cluster.save()
            raise
        if not _in_progress(context, cluster):
            cluster.status = fields.ClusterStatus.UPDATE_COMPLETE
            cluster.status_reason = None
        cluster.save()
        # Delete exactly the credential the new one replaced, as the sidecar
        # read it from the cluster's secret under its per-cluster lock (null
        # when nothing was replaced). Never by pattern: a rotation that
        # overlaps this one (Magnum allows one while UPDATE_IN_PROGRESS, or a
        # retry after the RPC timed out) may have applied its own credential
        # since, and that is the one the cluster uses now.
        replaced = (answer or {}).get("replaced_application_credential_id")
        if replaced and replaced != creds["application_credential_id"]:
            # Its owner is the cluster's user before this rotation, unless an
            # earlier rotation of unknown outcome left the rotating user's in use.
            credentials.delete(cluster, replaced, user_ids=[old_user_id, new_user_id])

    def rotate_ca_certificate(self, context, cluster):
        # Magnum saved the new certificate references already; reload them
        # before refusing, so the cluster object is not left stale.
        cluster.refresh()
        raise exception.NotSupported(operation="Rotating the CA certificate of a Cluster API cluster")

    def create_federation(self, context, federation):
        raise NotImplementedError("federations are not supported by magnum-capi-sidecar")

    def update_federation(self, context, federation):
        raise NotImplementedError("federations are not supported by magnum-capi-sidecar")

    def delete_federation(self, context, federation):
        raise NotImplementedError("federations are not supported by magnum-capi-sidecar")
