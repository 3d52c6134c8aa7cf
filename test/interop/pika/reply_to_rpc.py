"""Direct reply-to RPC: the client consumes amq.rabbitmq.reply-to (auto_ack) and sends requests with that reply_to;
a server on another connection answers on the rewritten reply_to."""
import threading
import uuid

import pika
from _common import connect, main, uniq, wait_until

RT = "amq.rabbitmq.reply-to"


def serve(url, queue, ready, stop, seen, errors):
    try:
        conn = connect(url)
        ch = conn.channel()
        ch.queue_declare(queue=queue)

        def on_request(ch, method, props, body):
            seen.append(props.reply_to)
            ch.basic_publish("", props.reply_to, body.upper(), pika.BasicProperties(correlation_id=props.correlation_id))
            ch.basic_ack(method.delivery_tag)

        ch.basic_consume(queue=queue, on_message_callback=on_request)
        ready.set()
        while not stop.is_set():
            conn.process_data_events(time_limit=0.05)
        ch.queue_delete(queue=queue)
        conn.close()
    except Exception as exc:
        errors.append(repr(exc))
        ready.set()


def run(url):
    queue = uniq("rpc")
    ready, stop, seen, errors = threading.Event(), threading.Event(), [], []
    server = threading.Thread(target=serve, args=(url, queue, ready, stop, seen, errors), daemon=True)
    server.start()
    if not ready.wait(5) or errors:
        raise RuntimeError("RPC server did not start: %s" % errors)
    conn = connect(url)
    ch = conn.channel()
    replies = {}

    def on_reply(ch, method, props, body):
        replies[props.correlation_id] = {"body": body.decode(), "routing_key_is_address": method.routing_key == seen[0]}

    ch.basic_consume(queue=RT, on_message_callback=on_reply, auto_ack=True)
    ids = []
    for word in ("ping", "pong"):
        cid = str(uuid.uuid4())
        ids.append(cid)
        ch.basic_publish("", queue, word.encode(), pika.BasicProperties(reply_to=RT, correlation_id=cid))
    wait_until(conn, lambda: len(replies) == 2, what="two replies")
    stop.set()
    server.join(5)
    conn.close()
    return {
        "replies": [replies[i] for i in ids],
        "reply_to_rewritten": all(r.startswith(RT + ".") and len(r) > len(RT) + 8 for r in seen),
        "same_address": len(set(seen)) == 1,
        "errors": errors,
    }


main(run)
