"""Tutorial 3: a fanout exchange copies every message to exclusive, server-named queues."""
from _common import connect, main, uniq, wait_until


def run(url):
    exchange = uniq("logs")
    pub_conn = connect(url)
    pub = pub_conn.channel()
    pub.exchange_declare(exchange=exchange, exchange_type="fanout")
    pub.confirm_delivery()

    subscribers = []
    for _ in range(2):
        conn = connect(url)
        ch = conn.channel()
        result = ch.queue_declare(queue="", exclusive=True)
        name = result.method.queue
        ch.queue_bind(exchange=exchange, queue=name)
        got = []
        ch.basic_consume(queue=name, on_message_callback=lambda c, m, p, b, got=got: got.append(b.decode()),
                         auto_ack=True)
        subscribers.append((conn, name, got))

    pub.basic_publish(exchange=exchange, routing_key="", body=b"info: one")
    pub.basic_publish(exchange=exchange, routing_key="anything", body=b"info: two")
    for conn, _name, got in subscribers:
        wait_until(conn, lambda got=got: len(got) >= 2, what="both messages")

    queues = [name for _c, name, _g in subscribers]
    for conn, _name, _got in subscribers:
        conn.close()

    # Exclusive queues go away with their connection.
    gone = []
    for name in queues:
        ch = pub_conn.channel()
        try:
            ch.queue_declare(queue=name, passive=True)
            gone.append(False)
        except Exception as exc:  # ChannelClosedByBroker 404
            gone.append(getattr(exc, "reply_code", None) == 404)
    pub.exchange_delete(exchange=exchange)
    pub_conn.close()
    return {"queues": queues, "received": [got for _c, _n, got in subscribers], "deleted_on_close": gone}


main(run)
