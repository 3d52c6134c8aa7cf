"""Tutorial 2: a worker dies (its connection closes) with an unacked task; another worker gets it, redelivered."""
from _common import connect, main, uniq, wait_until
import pika


def run(url):
    queue = uniq("task_queue")
    producer_conn = connect(url)
    producer = producer_conn.channel()
    producer.queue_declare(queue=queue, durable=True)
    producer.confirm_delivery()

    # Worker A takes the task and never acks it.
    conn_a = connect(url)
    worker_a = conn_a.channel()
    worker_a.basic_qos(prefetch_count=1)
    got_a = []
    worker_a.basic_consume(queue=queue, on_message_callback=lambda ch, m, p, b: got_a.append((m, p, b)))

    producer.basic_publish(exchange="", routing_key=queue, body=b"task...",
                           properties=pika.BasicProperties(delivery_mode=2, message_id="task-1"))
    wait_until(conn_a, lambda: got_a, what="worker A's delivery")

    # Worker B starts only now, so it cannot have been the first recipient.
    conn_b = connect(url)
    worker_b = conn_b.channel()
    worker_b.basic_qos(prefetch_count=1)
    got_b = []

    def on_b(ch, method, properties, body):
        got_b.append((method, properties, body))
        ch.basic_ack(delivery_tag=method.delivery_tag)

    worker_b.basic_consume(queue=queue, on_message_callback=on_b)
    conn_a.close()
    wait_until(conn_b, lambda: got_b, what="the redelivery to worker B")
    conn_b.close()

    remaining = producer.queue_declare(queue=queue, passive=True).method.message_count
    producer.queue_delete(queue=queue)
    producer_conn.close()

    def describe(entry):
        method, props, body = entry
        return {"body": body.decode(), "redelivered": method.redelivered,
                "message_id": props.message_id, "delivery_mode": props.delivery_mode}

    return {"first": describe(got_a[0]), "second": describe(got_b[0]), "remaining_after_ack": remaining}


main(run)
