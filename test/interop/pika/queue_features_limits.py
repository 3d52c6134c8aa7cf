"""queue_features_limits: x-max-length with drop-head keeps the newest; reject-publish nacks (pika NackError)."""
import pika

from _common import connect, drain, main, uniq


def run(url):
    conn = connect(url)
    ch = conn.channel()
    ch.confirm_delivery()

    drop = uniq("maxlen-drop")
    ch.queue_declare(queue=drop, arguments={"x-max-length": 2})
    for body in ("1", "2", "3"):
        ch.basic_publish(exchange="", routing_key=drop, body=body)
    kept = drain(ch, drop)

    reject = uniq("maxlen-reject")
    ch.queue_declare(queue=reject, arguments={"x-max-length": 1, "x-overflow": "reject-publish"})
    outcomes = []
    for body in ("a", "b"):
        try:
            ch.basic_publish(exchange="", routing_key=reject, body=body)
            outcomes.append("ack")
        except pika.exceptions.NackError:
            outcomes.append("nack")
    left = drain(ch, reject)

    ch.queue_delete(queue=drop)
    ch.queue_delete(queue=reject)
    conn.close()
    return {"kept": kept, "outcomes": outcomes, "left": left}


main(run)
