"""Passive declare of a missing queue: ChannelClosedByBroker(404, NOT_FOUND - ...); the connection stays open."""
import pika
from _common import connect, main, uniq


def run(url):
    queue = uniq("missing")
    conn = connect(url)
    ch = conn.channel()
    error = None
    try:
        ch.queue_declare(queue=queue, passive=True)
    except pika.exceptions.ChannelClosedByBroker as exc:
        error = {"type": type(exc).__name__, "reply_code": exc.reply_code, "reply_text": exc.reply_text}
    result = {"queue": queue, "error": error, "channel_closed": ch.is_closed, "connection_open": conn.is_open}
    # A new channel on the same connection works.
    ch2 = conn.channel()
    result["new_channel_works"] = ch2.queue_declare(queue="", exclusive=True).method.queue.startswith("amq.gen-")
    conn.close()
    return result


main(run)
