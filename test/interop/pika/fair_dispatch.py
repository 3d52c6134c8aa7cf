"""Tutorial 2, fair dispatch: with prefetch_count=1 a worker holding an unacked message gets no more."""
from _common import connect, main, uniq, wait_until


def run(url):
    queue = uniq("fair")
    conn = connect(url)
    producer = conn.channel()
    producer.queue_declare(queue=queue)
    producer.confirm_delivery()

    slow = conn.channel()
    slow.basic_qos(prefetch_count=1)
    slow_got = []
    slow.basic_consume(queue=queue, on_message_callback=lambda ch, m, p, b: slow_got.append((m, b.decode())))
    producer.basic_publish(exchange="", routing_key=queue, body=b"m1")
    wait_until(conn, lambda: slow_got, what="the slow worker's first message")

    fast = conn.channel()
    fast.basic_qos(prefetch_count=1)
    fast_got = []

    def on_fast(ch, method, properties, body):
        fast_got.append(body.decode())
        ch.basic_ack(delivery_tag=method.delivery_tag)

    fast_tag = fast.basic_consume(queue=queue, on_message_callback=on_fast)
    for body in (b"m2", b"m3", b"m4"):
        producer.basic_publish(exchange="", routing_key=queue, body=body)
    # Wait until m2..m4 have been delivered to someone (without the limit, round-robin would give the slow one some).
    wait_until(conn, lambda: len(fast_got) + len(slow_got) >= 4, what="m2..m4 to be delivered")
    # Proving a negative: a round trip on the slow worker's channel flushes anything already on its way to it.
    slow.queue_declare(queue=queue, passive=True)
    conn.process_data_events(time_limit=0)
    slow_while_busy = [b for _m, b in slow_got]

    fast.basic_cancel(fast_tag)
    slow.basic_ack(delivery_tag=slow_got[0][0].delivery_tag)
    producer.basic_publish(exchange="", routing_key=queue, body=b"m5")
    wait_until(conn, lambda: len(slow_got) >= 2, what="the slow worker's next message")
    slow.basic_ack(delivery_tag=slow_got[1][0].delivery_tag)

    producer.queue_delete(queue=queue)
    conn.close()
    return {"slow_while_busy": slow_while_busy, "fast": fast_got, "slow_after_ack": slow_got[1][1]}


main(run)
