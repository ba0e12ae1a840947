"""The sidecar's HTTP API: one method per route, errors mapped to Magnum's."""
import time
from urllib import parse

import requests
from magnum.common import exception
from oslo_log import log as logging

from magnum_capi_sidecar import conf

LOG = logging.getLogger(__name__)
CONF = conf.CONF


class SidecarUnavailable(exception.MagnumException):
    message = "magnum-capi-sidecar is unreachable: %(reason)s"


class SidecarError(exception.MagnumException):
    message = "magnum-capi-sidecar: %(reason)s"


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
    if status == 401:
        message = "the sidecar refused the token: %s" % message
    unavailable = status >= 500 and code in ("management_cluster_unavailable", "helm_unavailable", "helm_release_locked")
    if status >= 500 or status == 401:
        cls = SidecarUnavailable if unavailable else SidecarError
    else:
        cls = _CLIENT_ERRORS.get((status, code)) or _CLIENT_ERRORS.get((status, None), SidecarError)
    text = titled(_TITLES.get(cls, "magnum-capi-sidecar failed"), message)
    if text == message and cls in (SidecarError, SidecarUnavailable):
        text = cls.message % {"reason": message}
    # A message given to a Magnum exception is still %-formatted with its
    # keyword arguments: escape it so the sidecar's text arrives as it is
    # (and not as "... is not supported is not supported.").
    raise cls(message=text.replace("%", "%%"))


# The sidecar's 4xx answers as Magnum's exceptions, by (status, code); a
# code of None is any other code of that status.
_CLIENT_ERRORS = {
    (422, "not_supported"): exception.NotSupported,
    (422, None): exception.InvalidParameterValue,
    (400, None): exception.InvalidParameterValue,
    (404, None): exception.ClusterNotFound,
    (409, None): exception.Conflict,
}

_TITLES = {
    exception.NotSupported: "Not supported by the Cluster API driver",
    exception.InvalidParameterValue: "Refused by the Cluster API driver",
    exception.ClusterNotFound: "Not found by the Cluster API driver",
    exception.Conflict: "Refused by the Cluster API driver in the cluster's current state",
    SidecarUnavailable: "magnum-capi-sidecar is unavailable",
}


def titled(title, message):
    """`message` as Magnum's API will show it: magnum-api makes the text up
    to the first "." the error's title, which is all python-magnumclient
    prints, so a version or a flavor name (v1.31.4, m1.medium) before the
    end of the first sentence would cut the reason off mid-word. Such a
    message gets `title` and a full stop in front; one that reads right when
    cut stays as it is."""
    head, dot, rest = message.partition(".")
    if not dot or not rest or rest[0].isspace():
        return message
    return "%s. %s" % (title, message)


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

    def _cert(self):
        cert, key = CONF.capi_sidecar.cert_file, CONF.capi_sidecar.key_file
        if key and not cert:
            raise SidecarUnavailable(reason="[capi_sidecar] key_file is set without cert_file")
        return (cert, key) if key else cert

    def _send(self, method, path, body=None, timeout=None, retries=0):
        url = self.url + path
        attempt = 0
        while True:
            try:
                response = self.session.request(
                    method, url, json=body, headers=self._headers(),
                    timeout=timeout or CONF.capi_sidecar.timeout,
                    verify=self._verify(), cert=self._cert())
                break
            except (requests.ConnectionError, requests.Timeout) as e:
                if attempt >= retries:
                    raise SidecarUnavailable(reason="%s %s: %s" % (method, path, e.__class__.__name__))
                attempt += 1
                time.sleep(min(0.2 * 2 ** attempt, 2))
        raise_for_answer(response)
        return response.json() if response.content else None

    # Mutating calls: no retry, a failure must reach the conductor at once.
    def create_cluster(self, spec):
        return self._send("POST", "/v1/clusters", spec)

    def update_cluster(self, uuid, spec):
        return self._send("PUT", _path(uuid), spec)

    def resize_cluster(self, uuid, spec, node_count, nodes_to_remove, nodegroup):
        return self._send("POST", _path(uuid, "actions", "resize"), {
            "spec": spec, "node_count": node_count,
            "nodes_to_remove": list(nodes_to_remove or []), "nodegroup": nodegroup})

    def upgrade_cluster(self, uuid, spec, max_batch_size, nodegroup):
        body = {"spec": spec, "max_batch_size": max_batch_size}
        if nodegroup:
            body["nodegroup"] = nodegroup
        return self._send("POST", _path(uuid, "actions", "upgrade"), body)

    def delete_cluster(self, uuid, spec):
        return self._send("DELETE", _path(uuid), spec)

    def create_nodegroup(self, uuid, spec, name):
        return self._send("POST", _path(uuid, "nodegroups"), {"spec": spec, "nodegroup": name})

    def update_nodegroup(self, uuid, spec, name):
        return self._send("PUT", _path(uuid, "nodegroups", name), spec)

    def delete_nodegroup(self, uuid, spec, name):
        return self._send("DELETE", _path(uuid, "nodegroups", name), spec)

    def rotate_credential(self, uuid, spec):
        return self._send("POST", _path(uuid, "actions", "rotate-credential"), spec)

    # Reads: retried on connection errors, with a short timeout.
    def cluster_status(self, uuid, spec):
        return self._send("POST", _path(uuid, "status"), spec,
                          timeout=CONF.capi_sidecar.status_timeout,
                          retries=CONF.capi_sidecar.status_retries)

    def cluster_health(self, uuid):
        return self._send("GET", _path(uuid, "health"),
                          timeout=CONF.capi_sidecar.status_timeout,
                          retries=CONF.capi_sidecar.status_retries)
