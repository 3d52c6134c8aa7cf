"""Consumer timeout: a delivery left unacked past the broker's consumer_timeout closes the channel with 406;
the message is back in the queue, redelivered."""
import time

from _common import connect, main, uniq, wait_until


def run(url):
    conn = connect(url)
    ch = conn.channel()
    q = uniq("ct")
    ch.queue_declare(queue=q)
    ch.basic_consume(queue=q, on_message_callback=lambda *a: None)  # never acks
    ch.basic_publish("", q, b"slow")
    start = time.monotonic()
    out = {"closed": "no"}

    def on_close(_channel, reason):
        # pika reports a broker close as ChannelClosedByBroker with its code and text.
        out["closed"] = [reason.reply_code, reason.reply_text]

    ch._impl.add_on_close_callback(on_close)
    wait_until(conn, lambda: ch.is_closed, timeout=5, what="channel closed by the consumer timeout")
    out["elapsed_ms"] = int((time.monotonic() - start) * 1000)
    ch2 = conn.channel()
    m, _props, body = ch2.basic_get(q, auto_ack=True)
    out["requeued"] = [body.decode() if body else None, m.redelivered if m else None]
    ch2.queue_delete(q)
    conn.close()
    return out


main(run)
