"""basic_cancel by the client, and Basic.Cancel from the broker when the consumed queue is deleted."""
from _common import connect, drain, main, uniq, wait_until


def run(url):
    queue = uniq("cancel")
    conn = connect(url)
    ch = conn.channel()
    ch.queue_declare(queue=queue)
    got = []
    tag = ch.basic_consume(queue=queue, on_message_callback=lambda c, m, p, b: got.append(b.decode()), auto_ack=True)
    ch.basic_publish(exchange="", routing_key=queue, body=b"before")
    wait_until(conn, lambda: got, what="the first delivery")
    consumers_before = ch.queue_declare(queue=queue, passive=True).method.consumer_count
    pending = ch.basic_cancel(tag)
    consumers_after = ch.queue_declare(queue=queue, passive=True).method.consumer_count
    ch.basic_publish(exchange="", routing_key=queue, body=b"after")
    left_in_queue = drain(ch, queue)

    # Server-side cancel: another connection deletes the queue.
    cancels = []
    ch.add_on_cancel_callback(lambda frame: cancels.append(frame.method.consumer_tag))
    tag2 = ch.basic_consume(queue=queue, on_message_callback=lambda c, m, p, b: None, auto_ack=True)
    other = connect(url)
    other.channel().queue_delete(queue=queue)
    other.close()
    wait_until(conn, lambda: cancels, what="the broker's Basic.Cancel")
    still_open = ch.is_open
    conn.close()
    return {
        "consumer_tag": tag,
        "delivered": got,
        "consumers_before_cancel": consumers_before,
        "consumers_after_cancel": consumers_after,
        "pending_on_cancel": len(pending),
        "left_in_queue": left_in_queue,
        "server_cancelled": cancels,
        "server_cancelled_expected": tag2,
        "channel_open_after_server_cancel": still_open,
    }


main(run)
