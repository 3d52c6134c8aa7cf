"""Persistence, part 1: a durable queue and persistent messages published with publisher confirms.

argv: URL QUEUE. The broker is restarted between this script and persist_consume.py.
"""
import pika

from _common import connect, main


def run(url, queue):
    conn = connect(url)
    ch = conn.channel()
    ch.confirm_delivery()
    declare_ok = ch.queue_declare(queue=queue, durable=True)
    props = pika.BasicProperties(delivery_mode=2, message_id="m-1", content_type="text/plain", headers={"n": 1})
    ch.basic_publish(exchange="", routing_key=queue, body=b"survives a restart", properties=props)
    # A transient message on the same durable queue: gone after the restart, as in RabbitMQ.
    ch.basic_publish(exchange="", routing_key=queue, body=b"transient", properties=pika.BasicProperties(delivery_mode=1))
    depth = ch.queue_declare(queue=queue, durable=True, passive=True).method.message_count
    conn.close()
    return {"declared_message_count": declare_ok.method.message_count, "depth_before_restart": depth}


main(run)
