"""Tutorial 4: a direct exchange routes by severity; an unroutable mandatory publish raises UnroutableError."""
import pika
from _common import connect, drain, main, uniq


def run(url):
    exchange = uniq("direct_logs")
    conn = connect(url)
    ch = conn.channel()
    ch.exchange_declare(exchange=exchange, exchange_type="direct")
    errors_only = ch.queue_declare(queue="", exclusive=True).method.queue
    ch.queue_bind(exchange=exchange, queue=errors_only, routing_key="error")
    everything = ch.queue_declare(queue="", exclusive=True).method.queue
    for severity in ("info", "warning", "error"):
        ch.queue_bind(exchange=exchange, queue=everything, routing_key=severity)

    ch.confirm_delivery()
    unroutable = []
    for severity in ("info", "warning", "error", "debug"):
        try:
            ch.basic_publish(exchange=exchange, routing_key=severity, body=("%s: message" % severity).encode(),
                             mandatory=True)
        except pika.exceptions.UnroutableError:
            unroutable.append(severity)

    result = {"errors_only": drain(ch, errors_only), "everything": drain(ch, everything), "unroutable": unroutable}
    ch.exchange_delete(exchange=exchange)
    conn.close()
    return result


main(run)
