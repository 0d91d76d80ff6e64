"""Demo backend for docker-compose: an HTTP/1.1 server on :8080 and a TCP echo server on :9000.

Only the Python standard library, so it runs on the stock python image. GET /delay/<ms> answers
after <ms> milliseconds (at most 5000), GET /status/<code> answers with that status: handy to
see latency and the 5xx panels move.
"""
import json
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Http(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so the gateway's upstream pool is used

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status = 200
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) == 2 and parts[0] == "delay" and parts[1].isdigit():
            time.sleep(min(int(parts[1]), 5000) / 1000)
        elif len(parts) == 2 and parts[0] == "status" and parts[1].isdigit() and 200 <= int(parts[1]) <= 599:
            status = int(parts[1])
        body = json.dumps({"backend": "demo", "method": self.command, "path": self.path,
                           "host": self.headers.get("Host")}).encode() + b"\n"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

    def log_message(self, *args):  # one line per request is too much under load
        pass


class Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            data = self.request.recv(65536)
            if not data:
                return
            self.request.sendall(data)


class EchoServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    import os
    http_port = int(os.environ.get("HTTP_PORT", "8080"))
    echo_port = int(os.environ.get("ECHO_PORT", "9000"))
    host = os.environ.get("BIND", "0.0.0.0")
    echo = EchoServer((host, echo_port), Echo)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    http = ThreadingHTTPServer((host, http_port), Http)
    http.daemon_threads = True
    print(f"demo backend: http on {host}:{http_port}, tcp echo on {host}:{echo_port}", flush=True)
    http.serve_forever()


if __name__ == "__main__":
    main()
