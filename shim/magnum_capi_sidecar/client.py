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
    if isinstance(error, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        # A refused TLS handshake (no client certificate, an unknown CA) ends before any request is sent.
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
    if status == 401:
        message = "the sidecar refused the token: %s" % message
    unavailable = status >= 500 and code in ("management_cluster_unavailable", "helm_unavailable", "helm_release_locked", "release_busy")
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


def _urls(url):
    """`url` may list several sidecars, comma-separated: replicas tried in turn."""
    urls = [u.strip().rstrip("/") for u in (url or "").split(",") if u.strip()]
    if not urls:
        raise SidecarUnavailable(reason="[capi_sidecar] url names no sidecar")
    return urls


def _retry_after(response, attempt):
    """Seconds to wait before repeating a call the sidecar found busy: its
    Retry-After, else a doubling back-off; at most 5 s either way."""
    try:
        hinted = float(response.headers.get("retry-after", ""))
    except ValueError:
        hinted = 0.5 * 2 ** attempt
    return max(0.2, min(hinted, 5.0))


def _is_release_busy(response):
    if response.status_code != 503:
        return False
    try:
        return response.json()["error"]["code"] == "release_busy"
    except (ValueError, KeyError, TypeError):
        return False


class Client(object):
    def __init__(self, url=None, token=None, session=None):
        self.urls = _urls(url or CONF.capi_sidecar.url)
        self.url = self.urls[0]
        # The replica that answered last is tried first next time.
        self._preferred = 0
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

    def _request(self, method, path, body, timeout, idempotent):
        """One pass over the replicas, from the preferred one: a replica that
        cannot be reached gives way to the next. A mutating call whose answer
        timed out is not sent elsewhere: it may be running there."""
        failures = []
        sent = False
        for i in range(len(self.urls)):
            index = (self._preferred + i) % len(self.urls)
            try:
                response = self.session.request(
                    method, self.urls[index] + path, json=body, headers=self._headers(),
                    timeout=timeout, verify=self._verify(), cert=self._cert())
            except (requests.ConnectionError, requests.Timeout) as e:
                failures.append("%s: %s" % (self.urls[index], e.__class__.__name__))
                if not _never_sent(e):
                    # It may have reached that replica and be running there.
                    sent = True
                    if not idempotent:
                        break
                continue
            self._preferred = index
            return response, failures, sent
        return None, failures, sent

    def _send(self, method, path, body=None, timeout=None, retries=0):
        """Within `timeout` overall: fail over on connection errors (every
        replica once a round, `retries` more rounds with back-off), and repeat
        a call answered 503 release_busy after the back-off it asks for."""
        budget = timeout or CONF.capi_sidecar.timeout
        deadline = time.monotonic() + budget
        idempotent = retries > 0
        rounds = busy = 0
        while True:
            remaining = deadline - time.monotonic()
            response, failures, sent = self._request(method, path, body, max(remaining, 1), idempotent)
            if response is None:
                pause = min(0.2 * 2 ** (rounds + 1), 2)
                if rounds >= retries or time.monotonic() + pause >= deadline:
                    # Unknown when a replica may have received it; unavailable when none did.
                    raise (OutcomeUnknown if sent else SidecarUnavailable)(reason="%s %s: %s" % (method, path, "; ".join(failures)))
                rounds += 1
                time.sleep(pause)
                continue
            if _is_release_busy(response):
                pause = _retry_after(response, busy)
                if time.monotonic() + pause < deadline:
                    busy += 1
                    LOG.info("sidecar: %s %s: release busy, retrying in %.1f s", method, path, pause)
                    time.sleep(pause)
                    continue
            break
        raise_for_answer(response)
        return response.json() if response.content else None

    # Mutating calls: no retry of a failure, which must reach the conductor at
    # once; only another replica on a connection error, or a busy release.
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
