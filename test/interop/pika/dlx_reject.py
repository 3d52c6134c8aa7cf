"""Dead-lettering: a rejected message (basic.reject requeue=False) reaches the DLX with x-death (pika's view of the types)."""
import pika
from _common import connect, main, uniq, wait_until


def run(url):
    conn = connect(url)
    ch = conn.channel()
    dlq = uniq("dlq")
    work = uniq("work")
    ch.queue_declare(queue=dlq)
    ch.queue_declare(queue=work, arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": dlq})
    ch.basic_publish("", work, b"payload", pika.BasicProperties(expiration="60000", delivery_mode=2, headers={"k": "v"}))
    got = []
    wait_until(conn, lambda: got.append(ch.basic_get(work)) or got[-1][0] is not None, what="message in work queue")
    method = got[-1][0]
    ch.basic_reject(method.delivery_tag, requeue=False)
    dead = []
    wait_until(conn, lambda: dead.append(ch.basic_get(dlq, auto_ack=True)) or dead[-1][0] is not None, what="dead letter")
    m, props, body = dead[-1]
    h = props.headers
    death = h["x-death"][0]
    out = {
        "body": body.decode(),
        "exchange": m.exchange,
        "routing_key": m.routing_key,
        "expiration": props.expiration,
        "delivery_mode": props.delivery_mode,
        "k": h.get("k"),
        "first_death": [h.get("x-first-death-queue") == work, h.get("x-first-death-reason"), h.get("x-first-death-exchange")],
        "death": {
            "count": death["count"],
            "reason": death["reason"],
            "queue_is_work": death["queue"] == work,
            "exchange": death["exchange"],
            "routing_keys_are_work": death["routing-keys"] == [work],
            "original_expiration": death["original-expiration"],
            "time_type": type(death["time"]).__name__,
        },
        "has_last_death": "x-last-death-queue" in h,
    }
    ch.queue_delete(work)
    ch.queue_delete(dlq)
    conn.close()
    return out


main(run)
