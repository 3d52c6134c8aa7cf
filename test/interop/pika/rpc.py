"""Tutorial 6: RPC. A server thread (own connection) answers on reply_to with the request's correlation_id."""
import threading
import uuid

import pika
from _common import connect, main, uniq, wait_until


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def serve(url, queue, ready, stop, errors):
    try:
        conn = connect(url)
        ch = conn.channel()
        ch.queue_declare(queue=queue)
        ch.basic_qos(prefetch_count=1)

        def on_request(ch, method, props, body):
            ch.basic_publish(exchange="", routing_key=props.reply_to,
                             properties=pika.BasicProperties(correlation_id=props.correlation_id),
                             body=str(fib(int(body))).encode())
            ch.basic_ack(delivery_tag=method.delivery_tag)

        ch.basic_consume(queue=queue, on_message_callback=on_request)
        ready.set()
        while not stop.is_set():
            conn.process_data_events(time_limit=0.1)
        ch.queue_delete(queue=queue)
        conn.close()
    except Exception as exc:
        errors.append(repr(exc))
        ready.set()


def run(url):
    queue = uniq("rpc_queue")
    ready, stop, errors = threading.Event(), threading.Event(), []
    server = threading.Thread(target=serve, args=(url, queue, ready, stop, errors), daemon=True)
    server.start()
    if not ready.wait(5) or errors:
        raise RuntimeError("RPC server did not start: %s" % errors)

    conn = connect(url)
    ch = conn.channel()
    reply_queue = ch.queue_declare(queue="", exclusive=True).method.queue
    responses, strays = {}, []

    def on_response(ch, method, props, body):
        if props.correlation_id in pending:
            responses[pending.pop(props.correlation_id)] = body.decode()
        else:
            strays.append(props.correlation_id)

    ch.basic_consume(queue=reply_queue, on_message_callback=on_response, auto_ack=True)
    pending = {}
    for n in (10, 1, 20, 0):
        corr_id = str(uuid.uuid4())
        pending[corr_id] = str(n)
        ch.basic_publish(exchange="", routing_key=queue,
                         properties=pika.BasicProperties(reply_to=reply_queue, correlation_id=corr_id),
                         body=str(n).encode())
    wait_until(conn, lambda: not pending, what="all RPC responses")
    conn.close()
    stop.set()
    server.join(5)
    if errors:
        raise RuntimeError("RPC server failed: %s" % errors)
    return {"reply_queue": reply_queue, "responses": responses, "strays": strays}


main(run)
