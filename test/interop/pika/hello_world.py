"""Tutorial 1: send.py and receive.py on separate connections, through the default exchange."""
from _common import connect, main, uniq, wait_until


def run(url):
    queue = uniq("hello")

    send_conn = connect(url)
    send_ch = send_conn.channel()
    declare_ok = send_ch.queue_declare(queue=queue)
    send_ch.basic_publish(exchange="", routing_key=queue, body=b"Hello World!")
    send_conn.close()

    recv_conn = connect(url)
    recv_ch = recv_conn.channel()
    recv_ch.queue_declare(queue=queue)
    received = []

    def callback(ch, method, properties, body):
        received.append({
            "body": body.decode(),
            "exchange": method.exchange,
            "routing_key": method.routing_key,
            "redelivered": method.redelivered,
            "delivery_tag": method.delivery_tag,
            "consumer_tag": method.consumer_tag,
        })

    consumer_tag = recv_ch.basic_consume(queue=queue, on_message_callback=callback, auto_ack=True)
    wait_until(recv_conn, lambda: received, what="the message")
    recv_ch.queue_delete(queue=queue)
    recv_conn.close()
    return {
        "queue": queue,
        "declared_queue": declare_ok.method.queue,
        "declared_message_count": declare_ok.method.message_count,
        "consumer_tag": consumer_tag,
        "received": received,
    }


main(run)
