"""A tiny HTTP stub on 127.0.0.1 that answers DRS calls with broken replies (the emulator never does).

The project id in the path picks the kind of breakage, so one stub serves every case:

    POST /v3/<project id>/jobs/<endpoint>

``BROKEN`` maps each project id to (what it sends, the exact reply). Used with token auth, ``project_id`` and
``endpoint`` set, so no IAM call is made.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JOB_ID = '140b5236-88ad-43c8-811c-1268453jb101'

NOT_JSON = '0' * 31 + '1'
TRUNCATED = '0' * 31 + '2'
NO_RESULTS = '0' * 31 + '3'
NO_IDS = '0' * 31 + '4'
ODD_STATUS = '0' * 31 + '5'
DEEP = '0' * 31 + '6'
PRECHECK_RESULT_STRING = '0' * 31 + '7'

BROKEN = {
    NOT_JSON: ('text/html', b'<html><body>502 Bad Gateway</body></html>'),
    TRUNCATED: ('application/json', b'{"count": 1, "results": [{"id": "140b5236-88ad-43c8-811c-12684'),
    NO_RESULTS: ('application/json', json.dumps({'count': 1}).encode()),
    NO_IDS: ('application/json', json.dumps({'count': 1, 'results': [{'name': 'orders', 'status': 'CONFIGURATION'}]}).encode()),
    ODD_STATUS: ('application/json', json.dumps({'count': 1, 'results': [
        {'id': JOB_ID, 'name': 'orders', 'status': 'EXPLODING', 'process': '250%', 'result': 'maybe'}]}).encode()),
    DEEP: ('application/json', b'[' * 200000 + b']' * 200000),
    PRECHECK_RESULT_STRING: ('application/json', json.dumps({'count': 1, 'results': [
        {'id': JOB_ID, 'name': 'orders', 'status': 'CONFIGURATION', 'process': '100%', 'result': 'true',
         'total_passed_rate': '100%', 'precheck_result': 'all checks passed'}]}).encode()),
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        self.server.requests += 1
        parts = self.path.split('/')
        project = parts[2] if len(parts) > 2 else ''
        content_type, body = BROKEN.get(project, ('application/json', b'{"error_code": "STUB.404", "error_msg": "no such case"}'))
        self.send_response(200 if project in BROKEN else 404)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class BadReplyStub(object):
    """``with BadReplyStub() as stub: stub.url, stub.requests``."""

    def __init__(self):
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        self.server.daemon_threads = True
        self.server.requests = 0
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server.server_address[1]

    @property
    def requests(self):
        return self.server.requests

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
