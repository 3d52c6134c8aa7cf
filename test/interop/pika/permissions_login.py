"""A new user logs in (PLAIN) with its own password and works within its permissions: an allowed
declare/publish/get succeeds, a declare outside its configure pattern is ChannelClosedByBroker(403) and
the connection stays open; a wrong password is refused. argv: url-with-user, url-with-wrong-password."""

import pika
from _common import connect, main


def run(url, wrong_url):
    conn = connect(url)
    ch = conn.channel()
    ch.queue_declare(queue="alex-q", auto_delete=True)
    ch.basic_publish(exchange="alex-x", routing_key="alex-q", body=b"hi")
    method, _props, body = ch.basic_get(queue="alex-q", auto_ack=True)
    got = None if method is None else body.decode()
    refused = None
    try:
        ch.queue_declare(queue="other-q")
    except pika.exceptions.ChannelClosedByBroker as exc:
        refused = {"reply_code": exc.reply_code, "reply_text": exc.reply_text}
    result = {"got": got, "refused": refused, "connection_open": conn.is_open}
    result["new_channel_works"] = conn.channel().is_open
    conn.close()
    wrong = None
    try:
        connect(wrong_url).close()
    except pika.exceptions.AMQPError as exc:
        wrong = type(exc).__name__
    result["wrong_password"] = wrong
    return result


main(run)
