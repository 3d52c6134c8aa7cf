"""Direct reply-to misuse: consuming with acks, and publishing with reply_to before consuming (406 on the channel)."""
import pika
from pika.exceptions import ChannelClosedByBroker
from _common import connect, main, uniq

RT = "amq.rabbitmq.reply-to"


def run(url):
    conn = connect(url)
    out = {}
    ch = conn.channel()
    try:
        ch.basic_consume(queue=RT, on_message_callback=lambda *a: None, auto_ack=False)
        out["consume_with_ack"] = "no error"
    except ChannelClosedByBroker as e:
        out["consume_with_ack"] = [e.reply_code, e.reply_text]
    ch = conn.channel()
    try:
        ch.basic_publish("", uniq("nowhere"), b"x", pika.BasicProperties(reply_to=RT))
        ch.queue_declare(queue=RT, passive=True)  # a round trip: the close arrives before its reply
        out["publish_without_consumer"] = "no error"
    except ChannelClosedByBroker as e:
        out["publish_without_consumer"] = [e.reply_code, e.reply_text]
    ch = conn.channel()
    ok = ch.queue_declare(queue=RT, passive=True)
    out["passive_declare"] = [ok.method.queue, ok.method.message_count, ok.method.consumer_count]
    conn.close()
    return out


main(run)
