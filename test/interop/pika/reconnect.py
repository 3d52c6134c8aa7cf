"""Connection recovery with pika's documented reconnect loop (BlockingConnection + retry on
ConnectionClosedByBroker / AMQPConnectionError).

argv: URL [DEADLINE_SECONDS]. Flow: connect, declare a durable queue, publish "before" and consume it, then print
"READY" on stderr and keep consuming. Whoever runs the script then makes the broker close the connection (a broker
restart, which sends 320 CONNECTION_FORCED). The loop reconnects (retrying while the broker is down), publishes
"after" and consumes it. Prints one JSON line with what it saw.
"""
import sys
import time

import pika
from _common import main, parameters, uniq


def run(url, deadline_s="20"):
    deadline = time.monotonic() + float(deadline_s)
    queue = uniq("reconnect")
    state = {"connections": 0, "received": [], "closed_by_broker": [], "failed_attempts": 0}

    def on_message(ch, method, properties, body):
        text = body.decode()
        state["received"].append({"body": text, "redelivered": method.redelivered})
        ch.basic_ack(delivery_tag=method.delivery_tag)
        if text == "before":
            # A round trip on the channel: the broker has processed the ack before anyone is told we are ready.
            ch.queue_declare(queue=queue, passive=True)
            print("READY", file=sys.stderr)
            sys.stderr.flush()
        elif text == "after":
            ch.stop_consuming()

    done = False
    while not done:
        if time.monotonic() > deadline:
            raise TimeoutError("gave up reconnecting; state=%r" % state)
        try:
            connection = pika.BlockingConnection(parameters(url))
            state["connections"] += 1
            channel = connection.channel()
            channel.queue_declare(queue=queue, durable=True)
            channel.basic_qos(prefetch_count=1)
            publisher = connection.channel()
            publisher.confirm_delivery()
            body = b"before" if state["connections"] == 1 else b"after"
            publisher.basic_publish(exchange="", routing_key=queue, body=body,
                                    properties=pika.BasicProperties(delivery_mode=2))
            channel.basic_consume(queue=queue, on_message_callback=on_message)
            channel.start_consuming()  # returns after "after" was consumed
            channel.queue_delete(queue=queue)
            connection.close()
            done = True
        except pika.exceptions.ConnectionClosedByBroker as exc:
            state["closed_by_broker"].append({"reply_code": exc.reply_code, "reply_text": exc.reply_text})
            continue
        except pika.exceptions.AMQPChannelError:
            raise  # a channel error is a bug, not something to retry
        except pika.exceptions.AMQPConnectionError:
            # Broker not (yet) reachable: retry after a short back-off, as in pika's examples.
            state["failed_attempts"] += 1
            time.sleep(0.1)
            continue
    return state


main(run)
