"""Magnum's health monitor, answered by the sidecar from its watch cache."""
from magnum.conductor import monitors

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
        answer = (self._client or sidecar.Client()).cluster_health(self.cluster.uuid)
        self.data["health_status"] = answer["health_status"]
        self.data["health_status_reason"] = answer["health_status_reason"]
