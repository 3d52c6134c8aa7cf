"""basic_get: messages come with the count of messages left; an empty queue gives (None, None, None)."""
from _common import connect, main, uniq


def run(url):
    queue = uniq("get")
    conn = connect(url)
    ch = conn.channel()
    ch.queue_declare(queue=queue)
    ch.confirm_delivery()
    for body in (b"one", b"two"):
        ch.basic_publish(exchange="", routing_key=queue, body=body)

    gets = []
    while True:
        method, props, body = ch.basic_get(queue=queue)
        if method is None:
            gets.append(None)
            break
        gets.append({"body": body.decode(), "message_count": method.message_count,
                     "delivery_tag": method.delivery_tag, "redelivered": method.redelivered,
                     "exchange": method.exchange, "routing_key": method.routing_key})
    # Ack the first, reject the second with requeue: it comes back redelivered.
    ch.basic_ack(delivery_tag=1)
    ch.basic_reject(delivery_tag=2, requeue=True)
    method, _props, body = ch.basic_get(queue=queue, auto_ack=True)
    requeued = {"body": body.decode(), "redelivered": method.redelivered, "delivery_tag": method.delivery_tag}
    ch.queue_delete(queue=queue)
    conn.close()
    return {"gets": gets, "requeued": requeued}


main(run)
