"""Redeclaring a queue with a different durable flag: ChannelClosedByBroker(406, PRECONDITION_FAILED - ...)."""
import pika
from _common import connect, main, uniq


def run(url):
    queue = uniq("inequivalent")
    conn = connect(url)
    ch = conn.channel()
    ch.queue_declare(queue=queue, durable=False)
    error = None
    try:
        ch.queue_declare(queue=queue, durable=True)
    except pika.exceptions.ChannelClosedByBroker as exc:
        error = {"type": type(exc).__name__, "reply_code": exc.reply_code, "reply_text": exc.reply_text}
    result = {"queue": queue, "error": error, "channel_closed": ch.is_closed, "connection_open": conn.is_open}
    conn.channel().queue_delete(queue=queue)
    conn.close()
    return result


main(run)
