"""Shared helpers for the pika interop scripts.

Each script takes the AMQP URL as argv[1] and prints exactly one JSON line with its observations on stdout
(the TypeScript test asserts on it), or exits non-zero with a message on stderr. Scripts run under Debian's
/usr/bin/python3, which has python3-pika 1.2.0.
"""
import json
import sys
import time
import traceback
import uuid

import pika

# Every wait in these scripts is bounded, so a broken broker makes the script fail instead of hanging.
DEFAULT_WAIT = 4.0


def parameters(url):
    params = pika.URLParameters(url)
    params.connection_attempts = 1
    params.socket_timeout = 5
    params.blocked_connection_timeout = 5
    return params


def connect(url):
    return pika.BlockingConnection(parameters(url))


def uniq(prefix):
    """A unique name, so runs against a shared broker don't collide."""
    return "warren-test.pika.%s.%s" % (prefix, uuid.uuid4().hex[:10])


def wait_until(connection, condition, timeout=DEFAULT_WAIT, what="condition"):
    """Processes I/O on the connection until condition() holds (event-driven: returns as soon as frames arrive)."""
    deadline = time.monotonic() + timeout
    while not condition():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("timed out after %.1fs waiting for %s" % (timeout, what))
        connection.process_data_events(time_limit=min(0.25, remaining))


def drain(channel, queue):
    """basic.get with auto-ack until the queue is empty; returns the bodies as text."""
    bodies = []
    while True:
        method, _props, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            return bodies
        bodies.append(body.decode())


def main(fn):
    if len(sys.argv) < 2:
        print("usage: %s AMQP_URL" % sys.argv[0], file=sys.stderr)
        sys.exit(2)
    try:
        result = fn(sys.argv[1], *sys.argv[2:])
    except Exception as exc:  # report any failure as a non-zero exit with the reason
        traceback.print_exc(file=sys.stderr)
        print("FAILED: %s: %s" % (type(exc).__name__, exc), file=sys.stderr)
        sys.exit(1)
    print(json.dumps(result, sort_keys=True))
    sys.stdout.flush()
