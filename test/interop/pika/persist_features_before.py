"""Queue features with persistence, part 1 (pika): a persistent message rejected into a durable dead-letter queue, and
persistent messages of mixed priorities in a durable x-max-priority queue, all published with confirms.

argv: URL PREFIX. The broker is restarted between this script and persist_features_after.py.
"""
import time

import pika

from _common import DEFAULT_WAIT, connect, main


def run(url, prefix):
    conn = connect(url)
    ch = conn.channel()
    ch.confirm_delivery()
    dlx, dlq, src, prio = prefix + ".dlx", prefix + ".dlq", prefix + ".src", prefix + ".prio"
    ch.exchange_declare(exchange=dlx, exchange_type="fanout", durable=True)
    ch.queue_declare(queue=dlq, durable=True)
    ch.queue_bind(queue=dlq, exchange=dlx)
    ch.queue_declare(queue=src, durable=True, arguments={"x-dead-letter-exchange": dlx})
    ch.queue_declare(queue=prio, durable=True, arguments={"x-max-priority": 5})

    persistent = pika.BasicProperties(delivery_mode=2, headers={"app": "pika"})
    ch.basic_publish(exchange="", routing_key=src, body=b"rejected", properties=persistent)
    method, _props, _body = ch.basic_get(src, auto_ack=False)
    ch.basic_reject(method.delivery_tag, requeue=False)
    for i, p in enumerate([1, 4, 2, 4, 0]):
        ch.basic_publish(exchange="", routing_key=prio, body=("p%d-%d" % (p, i)).encode(), properties=pika.BasicProperties(delivery_mode=2, priority=p))

    # Dead-lettering is asynchronous on RabbitMQ: wait for it before the restart.
    deadline = time.monotonic() + DEFAULT_WAIT
    while ch.queue_declare(queue=dlq, durable=True, passive=True).method.message_count < 1:
        if time.monotonic() > deadline:
            raise TimeoutError("the rejected message did not reach the dead-letter queue")
        conn.sleep(0.02)
    result = {
        "dlq_depth": ch.queue_declare(queue=dlq, durable=True, passive=True).method.message_count,
        "src_depth": ch.queue_declare(queue=src, durable=True, passive=True).method.message_count,
        "prio_depth": ch.queue_declare(queue=prio, durable=True, passive=True).method.message_count,
    }
    conn.close()
    return result


main(run)
