"""The sidecar's HTTP API: one method per route, errors mapped to Magnum's."""
import time
from urllib import parse

import requests
from magnum.common import exception
from urllib3 import exceptions as urllib3_exceptions
from oslo_log import log as logging

from magnum_capi_sidecar import conf

LOG = logging.getLogger(__name__)
CONF = conf.CONF


class SidecarUnavailable(exception.MagnumException):
    message = "magnum-capi-sidecar is unreachable: %(reason)s"


class SidecarError(exception.MagnumException):
    message = "magnum-capi-sidecar: %(reason)s"


class OutcomeUnknown(SidecarUnavailable):
    """The request may have reached the sidecar, but no answer came back (a
    read timeout, a connection lost after sending): whether it was done is
    for the management cluster to say."""
    message = "magnum-capi-sidecar did not answer: %(reason)s"


def _never_sent(error):
    """True when the connection was never made, so the sidecar saw nothing."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if not isinstance(error, requests.ConnectionError) or isinstance(error, requests.Timeout):
        return False
    cause = error.args[0] if error.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, (urllib3_exceptions.NewConnectionError, urllib3_exceptions.ConnectTimeoutError))


def _read_token(path):
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    return line
    except OSError as e:
        raise SidecarUnavailable(reason="cannot read the token file %s: %s" % (path, e.strerror or e))
    raise SidecarUnavailable(reason="no token in %s" % path)


def raise_for_answer(response):
    """Turns the sidecar's error shape into the closest Magnum exception."""
    if response.status_code < 400:
        return
    try:
        error = response.json()["error"]
        code, message = error.get("code"), error.get("message")
    except (ValueError, KeyError, TypeError):
        code, message = None, response.text[:500]
    status = response.status_code
    message = message or ("HTTP %d" % status)
    # A message given to a Magnum exception is still %-formatted with its
    # keyword arguments: escape it so the sidecar's text arrives as it is
    # (and not as "... is not supported is not supported.").
    verbatim = message.replace("%", "%%")
    if status == 422 and code == "not_supported":
        raise exception.NotSupported(message=verbatim)
    if status in (400, 422):
        raise exception.InvalidParameterValue(err=message)
    if status == 404:
        raise exception.ClusterNotFound(message=verbatim)
    if status == 409:
        raise exception.Conflict(message=verbatim)
    if status == 401:
        raise SidecarError(reason="the sidecar refused the token: %s" % message)
    if status >= 500 and code in ("management_cluster_unavailable", "helm_unavailable", "helm_release_locked"):
        raise SidecarUnavailable(reason=message)
    raise SidecarError(reason=message)


def _path(*segments):
    """`/v1/clusters/<segment>/...`, each segment quoted whole: a Magnum
    node-group name is free text, and a `/`, `?`, `#` or `%` in it must not
    reach another route."""
    return "/v1/clusters" + "".join("/" + parse.quote(str(s), safe="") for s in segments)


class Client(object):
    def __init__(self, url=None, token=None, session=None):
        self.url = (url or CONF.capi_sidecar.url).rstrip("/")
        self._token = token
        self.session = session or requests.Session()

    def _headers(self):
        token = self._token or _read_token(CONF.capi_sidecar.token_file)
        return {"Authorization": "Bearer %s" % token}

    def _verify(self):
        return CONF.capi_sidecar.ca_file or True

    def _send(self, method, path, body=None, timeout=None, retries=0):
        url = self.url + path
        attempt = 0
        while True:
            try:
                response = self.session.request(
                    method, url, json=body, headers=self._headers(),
                    timeout=timeout or CONF.capi_sidecar.timeout,
                    verify=self._verify())
                break
            except (requests.ConnectionError, requests.Timeout) as e:
                if attempt >= retries:
                    what = "%s %s: %s" % (method, path, e.__class__.__name__)
                    raise (SidecarUnavailable if _never_sent(e) else OutcomeUnknown)(reason=what)
                attempt += 1
                time.sleep(min(0.2 * 2 ** attempt, 2))
        raise_for_answer(response)
        return response.json() if response.content else None

    # Mutating calls: no retry, a failure must reach the conductor at once.
    # The asynchronous ones wait as long as helm may run (async_timeout).
    def _send_async(self, method, path, body):
        return self._send(method, path, body, timeout=CONF.capi_sidecar.async_timeout)

    def create_cluster(self, spec):
        return self._send_async("POST", "/v1/clusters", spec)

    def update_cluster(self, uuid, spec):
        return self._send_async("PUT", _path(uuid), spec)

    def resize_cluster(self, uuid, spec, node_count, nodes_to_remove, nodegroup):
        return self._send_async("POST", _path(uuid, "actions", "resize"), {
            "spec": spec, "node_count": node_count,
            "nodes_to_remove": list(nodes_to_remove or []), "nodegroup": nodegroup})

    def upgrade_cluster(self, uuid, spec, max_batch_size, nodegroup):
        body = {"spec": spec, "max_batch_size": max_batch_size}
        if nodegroup:
            body["nodegroup"] = nodegroup
        return self._send("POST", _path(uuid, "actions", "upgrade"), body)

    def delete_cluster(self, uuid, spec):
        return self._send_async("DELETE", _path(uuid), spec)

    def create_nodegroup(self, uuid, spec, name):
        return self._send_async("POST", _path(uuid, "nodegroups"), {"spec": spec, "nodegroup": name})

    def update_nodegroup(self, uuid, spec, name):
        return self._send_async("PUT", _path(uuid, "nodegroups", name), spec)

    def delete_nodegroup(self, uuid, spec, name):
        return self._send_async("DELETE", _path(uuid, "nodegroups", name), spec)

    def rotate_credential(self, uuid, spec):
        return self._send("POST", _path(uuid, "actions", "rotate-credential"), spec)

    # Reads: retried on connection errors, with a short timeout.
    def cluster_status(self, uuid, spec):
        return self._send("POST", _path(uuid, "status"), spec,
                          timeout=CONF.capi_sidecar.status_timeout,
                          retries=CONF.capi_sidecar.status_retries)

    def cluster_health(self, uuid, nodegroups=()):
        # Magnum's worker groups, so the sidecar names one whose MachineDeployment is missing.
        query = parse.urlencode([("nodegroup", name) for name in nodegroups])
        return self._send("GET", _path(uuid, "health") + ("?" + query if query else ""),
                          timeout=CONF.capi_sidecar.status_timeout,
                          retries=CONF.capi_sidecar.status_retries)
