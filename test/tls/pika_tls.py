"""pika over TLS (pika.SSLOptions) against a broker's AMQPS port.

Usage: pika_tls.py PORT CAFILE CERTFILE|- KEYFILE|- plain|external [USER PASSWORD]
Publishes one message to a fresh queue and gets it back; prints one JSON line:
{"ok": true, "body": ..., "tls": <protocol version>} or {"ok": false, "error": <class>, "reply_code", "reply_text"}.
"""
import json
import ssl
import sys

import pika
from pika.credentials import ExternalCredentials, PlainCredentials


def main() -> None:
    port, cafile, certfile, keyfile, mode = sys.argv[1:6]
    user, password = (sys.argv[6:8] + ["guest", "guest"])[:2]
    context = ssl.create_default_context(cafile=cafile)
    if certfile != "-":
        context.load_cert_chain(certfile, keyfile)
    credentials = ExternalCredentials() if mode == "external" else PlainCredentials(user, password)
    params = pika.ConnectionParameters(
        host="127.0.0.1",
        port=int(port),
        credentials=credentials,
        ssl_options=pika.SSLOptions(context, "localhost"),
        connection_attempts=1,
        socket_timeout=5,
    )
    try:
        conn = pika.BlockingConnection(params)
    except pika.exceptions.AMQPConnectionError as e:
        # pika wraps the broker's connection.close (ProbableAccessDeniedError, ConnectionClosedByBroker, ...).
        out = {"ok": False, "error": type(e).__name__}
        found = e
        while not isinstance(found, pika.exceptions.ConnectionClosed) and found.args and isinstance(found.args[0], Exception):
            found = found.args[0]
        if isinstance(found, pika.exceptions.ConnectionClosed):
            out["reply_code"] = found.reply_code
            out["reply_text"] = found.reply_text
        else:
            out["detail"] = " ".join(str(a) for a in found.args)
        print(json.dumps(out))
        return
    ch = conn.channel()
    q = ch.queue_declare("", exclusive=True).method.queue
    ch.basic_publish("", q, b"pika over tls")
    body = None
    for _ in range(50):
        _, _, body = ch.basic_get(q, auto_ack=True)
        if body is not None:
            break
        conn.sleep(0.02)
    version = conn._impl._transport._sock.version()
    conn.close()
    print(json.dumps({"ok": True, "body": body.decode() if body else None, "tls": version}))


main()
