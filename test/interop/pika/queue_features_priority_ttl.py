"""queue_features_priority_ttl: x-max-priority order, and TTL from x-message-ttl and the expiration property."""
import time

import pika

from _common import connect, drain, main, uniq


def depth(ch, queue):
    """Ready messages in queue (a passive declare)."""
    return ch.queue_declare(queue=queue, passive=True).method.message_count


def run(url):
    conn = connect(url)
    ch = conn.channel()
    ch.confirm_delivery()

    prio = uniq("prio")
    ch.queue_declare(queue=prio, arguments={"x-max-priority": 10})
    for body, p in (("low", 1), ("none", None), ("high", 9), ("mid", 5), ("high2", 9)):
        props = pika.BasicProperties(priority=p) if p is not None else None
        ch.basic_publish(exchange="", routing_key=prio, body=body, properties=props)
    by_priority = drain(ch, prio)

    ttl = uniq("ttl")
    ch.queue_declare(queue=ttl, arguments={"x-message-ttl": 100})
    ch.basic_publish(exchange="", routing_key=ttl, body="queue-ttl")
    expiring = uniq("expiration")
    ch.queue_declare(queue=expiring)
    ch.basic_publish(exchange="", routing_key=expiring, body="short",
                     properties=pika.BasicProperties(expiration="100"))
    ch.basic_publish(exchange="", routing_key=expiring, body="long",
                     properties=pika.BasicProperties(expiration="60000"))
    # Expiry runs on the broker's timers: poll, with a deadline, until both queues are down to what
    # the TTLs leave (none and "long") rather than sleeping a fixed time; the test asserts on drain().
    deadline = time.monotonic() + 5
    while (depth(ch, ttl) > 0 or depth(ch, expiring) > 1) and time.monotonic() < deadline:
        time.sleep(0.02)
    ttl_left = drain(ch, ttl)
    expiring_left = drain(ch, expiring)

    for q in (prio, ttl, expiring):
        ch.queue_delete(queue=q)
    conn.close()
    return {"by_priority": by_priority, "ttl_left": ttl_left, "expiring_left": expiring_left}


main(run)
