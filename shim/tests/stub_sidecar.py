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


class StubSidecar(object):
    """`answers` maps (method, path) to a list of (status, payload), consumed in order
    (a callable payload is called with the request body, while the request is in flight);
    `requests` records (method, path, body) and `authorizations` each request's
    Authorization header."""

    def __init__(self):
        self.answers = {}
        self.requests = []
        self.authorizations = []
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.stub = self
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_port

    def on(self, method, path, status, payload):
        self.answers.setdefault((method, path), []).append((status, payload))

    def answer(self, method, path, body):
        queue = self.answers.get((method, path))
        if not queue:
            return 500, {"error": {"code": "unexpected", "message": "no answer for %s %s" % (method, path)}}
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
