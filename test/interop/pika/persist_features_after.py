"""Queue features with persistence, part 2 (pika), after the restart: what the dead-letter queue, the source queue and
the priority queue hold. Deletes what part 1 declared.

argv: URL PREFIX.
"""
from _common import connect, main


def death(d):
    """An x-death entry as JSON: the timestamp only as present or not."""
    out = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in d.items() if k != "time"}
    out["has_time"] = "time" in d
    return out


def run(url, prefix):
    conn = connect(url)
    ch = conn.channel()
    dlx, dlq, src, prio = prefix + ".dlx", prefix + ".dlq", prefix + ".src", prefix + ".prio"
    src_depth = ch.queue_declare(queue=src, durable=True, passive=True).method.message_count
    dead = []
    while True:
        method, props, body = ch.basic_get(dlq, auto_ack=True)
        if method is None:
            break
        headers = props.headers or {}
        dead.append({
            "body": body.decode(),
            "delivery_mode": props.delivery_mode,
            "redelivered": method.redelivered,
            "app": headers.get("app"),
            "x_death": [death(d) for d in headers.get("x-death", [])],
            "first_death_reason": headers.get("x-first-death-reason"),
        })
    order = []
    while True:
        method, props, body = ch.basic_get(prio, auto_ack=True)
        if method is None:
            break
        order.append([body.decode(), props.priority])
    for q in (dlq, src, prio):
        ch.queue_delete(queue=q)
    ch.exchange_delete(exchange=dlx)
    conn.close()
    return {"src_depth": src_depth, "dead": dead, "priority_order": order}


main(run)
