"""Persistence, part 2 (after a broker restart): the durable queue and its persistent message are back."""
from _common import connect, main


def run(url, queue):
    conn = connect(url)
    ch = conn.channel()
    depth = ch.queue_declare(queue=queue, durable=True, passive=True).method.message_count
    method, props, body = ch.basic_get(queue, auto_ack=False)
    got = None
    if method is not None:
        got = {
            "body": body.decode(),
            "redelivered": method.redelivered,
            "delivery_mode": props.delivery_mode,
            "message_id": props.message_id,
            "content_type": props.content_type,
            "headers": props.headers,
        }
        ch.basic_ack(method.delivery_tag)
    ch.queue_delete(queue=queue)
    conn.close()
    return {"depth_after_restart": depth, "message": got}


main(run)
