# The admission webhook of tst_history: answers every AdmissionReview (v1) with allowed: false and a
# status that has a message (and, on the path /deny403, the code 403) but no reason, as a
# webhook that denies with only a message does. Serves HTTPS on 127.0.0.1 on a free port, which
# it prints; the test starts it with scripts/cluster exec, inside the network namespace of the
# API server. Arguments: certificate file, key file.
import json, ssl, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Deny(BaseHTTPRequestHandler):
    def do_POST(self):
        review = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        status = {"message": "swaps of uro are frozen by the test webhook"}
        if self.path.startswith("/deny403"):
            status = {"code": 403, "message": "change freeze declared by the test webhook"}
        body = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                           "response": {"uid": review["request"]["uid"], "allowed": False,
                                        "status": status}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Deny)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
