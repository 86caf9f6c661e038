"""A Flask "instance" for the end-to-end tests, like the tutorial's simple Flask web server.

Run: /usr/bin/python3 test/helpers/flask_target.py <port> <name>

  GET  /status              -> "OK" (200), or the code set with POST /set-status?code=503
  POST /set-status?code=N   -> sets what /status answers (so an instance can fail its health
                               checks while it still serves /)
  GET  /                    -> "hello from <name>"
  GET  /headers             -> JSON of the request headers it received, plus "name"
  GET  /slow?s=3            -> sleeps s seconds, then "slow from <name>"
  GET  /login?cookie=SESSIONID -> "hello from <name>", and sets the application's own session
                               cookie (that name, a fresh value, Path=/), as an app with logins does

Threaded, on 127.0.0.1 only, no request logging. Prints "listening on 127.0.0.1:<port>" when
the socket is bound.
"""
import logging
import secrets
import sys
import threading
import time

from flask import Flask, Response, jsonify, request
from werkzeug.serving import make_server

port = int(sys.argv[1])
name = sys.argv[2]

app = Flask(__name__)
status_code = {"code": 200}
lock = threading.Lock()


@app.get("/status")
def status():
    with lock:
        code = status_code["code"]
    return Response("OK" if code == 200 else "status %d" % code, status=code, mimetype="text/plain")


@app.post("/set-status")
def set_status():
    code = int(request.args.get("code", "200"))
    with lock:
        status_code["code"] = code
    return Response("status now %d" % code, mimetype="text/plain")


@app.get("/")
def index():
    return Response("hello from %s" % name, mimetype="text/plain")


@app.get("/headers")
def headers():
    body = {k.lower(): v for k, v in request.headers.items()}
    body["name"] = name
    return jsonify(body)


@app.get("/login")
def login():
    response = Response("hello from %s" % name, mimetype="text/plain")
    response.set_cookie(request.args.get("cookie", "SESSIONID"), secrets.token_hex(8), path="/")
    return response


@app.get("/slow")
def slow():
    time.sleep(float(request.args.get("s", "3")))
    return Response("slow from %s" % name, mimetype="text/plain")


logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = make_server("127.0.0.1", port, app, threaded=True)
print("listening on 127.0.0.1:%d" % port, flush=True)
try:
    server.serve_forever()
except KeyboardInterrupt:
    pass
