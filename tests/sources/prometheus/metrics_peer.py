#!/usr/bin/python3
"""A Prometheus endpoint for the prometheus source's integration tests.

The exposition is Debian's python3-prometheus-client's own (its registry and
WSGI app, which vLLM and KServe use too); this script only adds a control
path so that the test decides what the counters do:

  GET /control/add?family=vllm&model_name=assist&finished_reason=stop&n=5
  GET /control/mode?delay_s=3&status=503   (delay_s=0&status=200: normal)

Usage: metrics_peer.py --port PORT [--token TOKEN]   (prints "ready")
"""
import argparse
import socketserver
import sys
import threading
import time
import urllib.parse
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, Counter, Histogram, make_wsgi_app

registry = CollectorRegistry()
families = {
    # vLLM's own metric: prometheus_client appends _total.
    "vllm": Counter("vllm:request_success", "Count of successfully processed requests.",
                    ["model_name", "finished_reason"], registry=registry),
    # KServe's predict latency: the _count series counts predictions.
    "kserve": Histogram("request_predict_seconds", "predict latency", ["model_name"],
                        registry=registry),
    "weld": Counter("weld_inspections", "Weld seams inspected.", ["line", "model"],
                    registry=registry),
}
mode = {"delay_s": 0.0, "status": 200}
lock = threading.Lock()
metrics_app = make_wsgi_app(registry)


def control(environ, start_response):
    query = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))
    path = environ["PATH_INFO"]
    with lock:
        if path == "/control/add":
            family = families[query.pop("family")]
            n = int(query.pop("n", "1"))
            child = family.labels(**query)
            if isinstance(family, Histogram):
                for _ in range(n):
                    child.observe(0.01)
            else:
                child.inc(n)
        elif path == "/control/mode":
            mode["delay_s"] = float(query.get("delay_s", "0"))
            mode["status"] = int(query.get("status", "200"))
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"unknown control\n"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\n"]


def make_app(token):
    def app(environ, start_response):
        if environ["PATH_INFO"].startswith("/control/"):
            return control(environ, start_response)
        with lock:
            delay_s, status = mode["delay_s"], mode["status"]
        if delay_s > 0:
            time.sleep(delay_s)
        if token and environ.get("HTTP_AUTHORIZATION", "") != "Bearer " + token:
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"token required\n"]
        if status != 200:
            start_response("%d Failing" % status, [("Content-Type", "text/plain")])
            return [b"failing on purpose\n"]
        return metrics_app(environ, start_response)
    return app


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", default="")
    args = parser.parse_args()
    server = make_server("127.0.0.1", args.port, make_app(args.token),
                         server_class=ThreadingServer, handler_class=QuietHandler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
