"""A stand-in sidecar on a real local HTTP port, answering from a queue."""
import http.server
import json
import threading


class _Handler(http.server.BaseHTTPRequestHandler):
    def _handle(self):
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        stub = self.server.stub
        stub.requests.append((self.command, self.path, body))
        stub.authorizations.append(self.headers.get("authorization"))
        peer = self.connection.getpeercert() if hasattr(self.connection, "getpeercert") else None
        stub.client_subjects.append(dict(rdn[0] for rdn in peer["subject"]) if peer else None)
        status, payload = stub.answer(self.command, self.path, body)
        if callable(payload):
            payload = payload(body)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A refused TLS handshake is an expected outcome in the certificate tests.
        pass


class StubSidecar(object):
    """`answers` maps (method, path) to a list of (status, payload), consumed in order
    (a callable payload is called with the request body, while the request is in flight),
    `defaults` to one answer given once none is queued;
    `requests` records (method, path, body), `authorizations` each request's
    Authorization header and `client_subjects` the client certificate's subject
    (a dict, or None). `tls`, an ssl.SSLContext, serves HTTPS."""

    def __init__(self, tls=None):
        self.answers = {}
        # (method, path) -> (status, payload) answered when no queued answer is left.
        self.defaults = {}
        self.requests = []
        self.authorizations = []
        self.client_subjects = []
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.stub = self
        if tls is not None:
            # An ssl.SSLContext (server side); the handshake runs as each connection is accepted.
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "%s://127.0.0.1:%d" % ("https" if tls else "http", self.server.server_port)

    def on(self, method, path, status, payload):
        self.answers.setdefault((method, path), []).append((status, payload))

    def answer(self, method, path, body):
        queue = self.answers.get((method, path))
        if not queue and (method, path) in self.defaults:
            return self.defaults[(method, path)]
        if not queue:
            return 500, {"error": {"code": "unexpected", "message": "no answer for %s %s" % (method, path)}}
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
