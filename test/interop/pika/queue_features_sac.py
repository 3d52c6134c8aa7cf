"""queue_features_sac: x-single-active-consumer; the waiting consumer takes over when the active one's channel closes."""
from _common import connect, main, uniq, wait_until


def run(url):
    queue = uniq("sac")
    conn = connect(url)
    ch1 = conn.channel()
    ch2 = conn.channel()
    pub = conn.channel()
    pub.confirm_delivery()
    ch1.queue_declare(queue=queue, arguments={"x-single-active-consumer": True})
    first, second = [], []
    ch1.basic_consume(queue, lambda c, m, p, b: first.append(b.decode()), auto_ack=True)
    ch2.basic_consume(queue, lambda c, m, p, b: second.append(b.decode()), auto_ack=True)
    for body in ("1", "2"):
        pub.basic_publish(exchange="", routing_key=queue, body=body)
    wait_until(conn, lambda: len(first) == 2, what="2 messages on the active consumer")
    ch1.close()
    for body in ("3", "4"):
        pub.basic_publish(exchange="", routing_key=queue, body=body)
    wait_until(conn, lambda: len(second) == 2, what="2 messages on the next consumer")
    pub.queue_delete(queue=queue)
    conn.close()
    return {"first": first, "second": second}


main(run)
