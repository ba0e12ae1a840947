"""Magnum's health monitor, answered by the sidecar from its watch cache."""
from magnum.common import exception
from magnum.conductor import monitors
from magnum.objects import fields

from magnum_capi_sidecar import client as sidecar


class Monitor(monitors.MonitorBase):
    def __init__(self, context, cluster, client=None):
        super(Monitor, self).__init__(context, cluster)
        self.data = {"nodes": [], "pods": []}
        self._client = client

    @property
    def metrics_spec(self):
        return {}

    def pull_data(self):
        return None

    def poll_health_status(self):
        answer = self._no_release() or self._ask()
        self.data["health_status"] = answer["health_status"]
        self.data["health_status_reason"] = answer["health_status_reason"]

    def _ask(self):
        try:
            return (self._client or sidecar.Client()).cluster_health(self.cluster.uuid)
        except exception.ClusterNotFound:
            # The sidecar holds no release of it (a create refused after
            # the release name was chosen): an expected answer, not an error
            # for Magnum's health job to log with a traceback every minute.
            return self._unknown("the sidecar manages no release of this cluster")

    def _no_release(self):
        # A create refused before a release name was saved: nothing to ask.
        if not self.cluster.stack_id:
            return self._unknown("the cluster has no release")
        return None

    @staticmethod
    def _unknown(reason):
        return {"health_status": fields.ClusterHealthStatus.UNKNOWN, "health_status_reason": {"cluster": reason}}
