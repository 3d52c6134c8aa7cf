"""Logs in with the URL's credentials and declares a server-named queue: {"ok": true} or the refusal's type."""
import pika
from _common import connect, main


def run(url):
    try:
        conn = connect(url)
    except pika.exceptions.AMQPError as exc:
        return {"ok": False, "error": type(exc).__name__}
    queue = conn.channel().queue_declare(queue="", exclusive=True).method.queue
    conn.close()
    return {"ok": True, "queue": queue}


main(run)
