"""Magnum's health monitor, answered by the sidecar from its watch cache.

Magnum's status job polls only clusters in progress, but its health job
(magnum/service/periodic.py) also polls CREATE_FAILED and UPDATE_FAILED
clusters and saves the cluster after `poll_health_status`. So a failed
cluster is also given a status sync here: the sidecar returns one it failed
by its own deadline, or by an outcome the shim could not learn, to *_COMPLETE
once Cluster API has finished, with a reason saying so; a failure helm or
Cluster API reported stays until an operator acts (the sidecar decides)."""
from magnum.common import exception
from magnum.conductor import monitors
from magnum.objects import fields
from oslo_log import log as logging

from magnum_capi_sidecar import apply
from magnum_capi_sidecar import client as sidecar

LOG = logging.getLogger(__name__)

_HEALABLE = (fields.ClusterStatus.CREATE_FAILED, fields.ClusterStatus.UPDATE_FAILED)


class Monitor(monitors.MonitorBase):
    def __init__(self, context, cluster, client=None, driver=None):
        super(Monitor, self).__init__(context, cluster)
        self.data = {"nodes": [], "pods": []}
        self._client = client
        self._driver = driver

    @property
    def metrics_spec(self):
        return {}

    def pull_data(self):
        return None

    def poll_health_status(self):
        client = self._client or sidecar.Client()
        answer = self._no_release() or self._ask(client)
        managed = answer is not None
        answer = answer or self._unknown("the sidecar manages no release of this cluster")
        self.data["health_status"] = answer["health_status"]
        self.data["health_status_reason"] = answer["health_status_reason"]
        # Only a cluster the sidecar holds a release of can have recovered.
        if managed and self.cluster.status in _HEALABLE and self._driver is not None and self.cluster.stack_id:
            self._heal(client)

    def _ask(self, client):
        """The sidecar's health answer, or None when it holds no release of
        the cluster (a create refused after the release name was chosen): an
        expected answer, not an error for Magnum's health job to log with a
        traceback every minute."""
        workers = [ng.name for ng in self.cluster.nodegroups if ng.role != "master"]
        try:
            return client.cluster_health(self.cluster.uuid, workers)
        except exception.ClusterNotFound:
            return None

    def _no_release(self):
        # A create refused before a release name was saved: nothing to ask.
        if not self.cluster.stack_id:
            return self._unknown("the cluster has no release")
        return None

    @staticmethod
    def _unknown(reason):
        return {"health_status": fields.ClusterHealthStatus.UNKNOWN, "health_status_reason": {"cluster": reason}}
    def _heal(self, client):
        # Admin context, no user token: no OpenStack look-ups, as in the status job.
        spec = self._driver._spec(self.context, self.cluster, resolve=False)
        answer = client.cluster_status(self.cluster.uuid, spec)
        before = self.cluster.status
        apply.status_answer(self.cluster, answer)
        if self.cluster.status != before:
            LOG.info("cluster %s healed by the health poll: %s -> %s (%s)", self.cluster.uuid,
                     before, self.cluster.status, self.cluster.status_reason)
