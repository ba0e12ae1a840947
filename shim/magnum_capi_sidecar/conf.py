"""The shim's options: one `[capi_sidecar]` section of magnum.conf."""
from oslo_config import cfg

GROUP = cfg.OptGroup(
    name="capi_sidecar",
    title="magnum-capi-sidecar",
    help="Where the Magnum driver finds the magnum-capi-sidecar service.",
)

OPTS = [
    cfg.StrOpt("url", default="http://127.0.0.1:8080",
               help="Base URL of the sidecar API, or a comma-separated list "
                    "of replicas: a call that cannot connect to one goes to "
                    "the next."),
    cfg.StrOpt("token_file", default="/etc/magnum/capi-sidecar-token",
               help="File holding the bearer token (first non-comment line)."),
    cfg.StrOpt("ca_file", default=None,
               help="CA bundle to verify the sidecar's TLS certificate."),
    # For a sidecar started with tls.clientCA: the handshake needs them.
    cfg.StrOpt("cert_file", default=None,
               help="Client certificate (PEM) presented to the sidecar; "
                    "with key_file, or holding the key too."),
    cfg.StrOpt("key_file", default=None,
               help="Private key (PEM) of cert_file."),
    # Synchronous RPCs (upgrade, rotation) time out after 60 s in the
    # conductor; the HTTP call must give up well before that.
    cfg.IntOpt("timeout", default=40, min=1, max=55,
               help="Seconds to wait for a synchronous call (upgrade, "
                    "credential rotation), retries of a busy release "
                    "included, under Magnum's 60 s RPC timeout."),
    # Asynchronous calls (create, update, resize, delete, node groups) reach
    # the conductor as casts: nobody waits on them but the conductor, and the
    # sidecar answers once helm has applied the release, which may take as
    # long as its helm.timeoutSeconds (300 by default).
    cfg.IntOpt("async_timeout", default=330, min=1,
               help="Seconds to wait for an asynchronous call (create, "
                    "update, resize, delete, node groups): as long as helm "
                    "may run in the sidecar (its helm.timeoutSeconds) and a "
                    "margin. An answer that does not come in time leaves the "
                    "cluster in progress, for the status poll to decide."),
    cfg.IntOpt("status_timeout", default=10, min=1, max=55,
               help="Seconds to wait for a status or health call."),
    cfg.IntOpt("status_retries", default=3, min=0, max=10,
               help="Retries, with back-off, of a status call that could "
                    "not connect."),
    # magnum-capi-helm's option, read where a site that switches has it
    # ([capi_helm]) without registering that group, which magnum-capi-helm
    # itself may still register in the same conductor.
    cfg.StrOpt("app_cred_interface_type", default="public",
               deprecated_opts=[cfg.DeprecatedOpt("app_cred_interface_type", group="capi_helm")],
               help="The `interface` of the clouds.yaml written for each "
                    "cluster's application credential (public, internal "
                    "or admin), as magnum-capi-helm's [capi_helm] "
                    "app_cred_interface_type, which is read too."),
]

CONF = cfg.CONF
CONF.register_group(GROUP)
CONF.register_opts(OPTS, group=GROUP)


def list_opts():
    return [(GROUP, OPTS)]
