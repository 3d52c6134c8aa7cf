"""Publisher confirms: confirm_delivery(), routable publishes return normally, a mandatory unroutable one raises
UnroutableError carrying the basic.return (312 NO_ROUTE), a non-mandatory unroutable one is acked and dropped."""
import pika
from _common import connect, main, uniq


def run(url):
    exchange = uniq("confirm")
    queue = uniq("confirm")
    conn = connect(url)
    ch = conn.channel()
    ch.exchange_declare(exchange=exchange, exchange_type="direct")
    ch.queue_declare(queue=queue)
    ch.queue_bind(exchange=exchange, queue=queue, routing_key="known")
    ch.confirm_delivery()

    ch.basic_publish(exchange=exchange, routing_key="known", body=b"routed", mandatory=True)
    ch.basic_publish(exchange=exchange, routing_key="unknown", body=b"dropped")

    error = None
    try:
        ch.basic_publish(exchange=exchange, routing_key="unknown", body=b"returned", mandatory=True,
                         properties=pika.BasicProperties(message_id="m-1"))
    except pika.exceptions.UnroutableError as exc:
        returned = exc.messages[0]
        error = {
            "count": len(exc.messages),
            "reply_code": returned.method.reply_code,
            "reply_text": returned.method.reply_text,
            "exchange": returned.method.exchange,
            "routing_key": returned.method.routing_key,
            "body": returned.body.decode(),
            "message_id": returned.properties.message_id,
        }

    # The channel is still usable after the UnroutableError.
    depth = ch.queue_declare(queue=queue, passive=True).method.message_count
    ch.queue_delete(queue=queue)
    ch.exchange_delete(exchange=exchange)
    conn.close()
    return {"exchange": exchange, "unroutable_error": error, "queue_depth": depth}


main(run)
