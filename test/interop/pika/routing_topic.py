"""Tutorial 5: topic routing with * (exactly one word) and # (zero or more words)."""
from _common import connect, drain, main, uniq

KEYS = [
    "quick.orange.rabbit", "lazy.orange.elephant", "quick.orange.fox", "lazy.brown.fox", "lazy.pink.rabbit",
    "quick.brown.fox", "orange", "quick.orange.male.rabbit", "lazy.orange.male.rabbit", "lazy", "",
]


def run(url):
    exchange = uniq("topic_logs")
    conn = connect(url)
    ch = conn.channel()
    ch.exchange_declare(exchange=exchange, exchange_type="topic")
    bindings = {"q1": ["*.orange.*"], "q2": ["*.*.rabbit", "lazy.#"], "hash": ["#"], "star": ["*"]}
    names = {}
    for label, keys in bindings.items():
        names[label] = ch.queue_declare(queue="", exclusive=True).method.queue
        for key in keys:
            ch.queue_bind(exchange=exchange, queue=names[label], routing_key=key)

    ch.confirm_delivery()
    for key in KEYS:
        ch.basic_publish(exchange=exchange, routing_key=key, body=("<%s>" % key).encode())

    result = {label: drain(ch, name) for label, name in names.items()}
    ch.exchange_delete(exchange=exchange)
    conn.close()
    return result


main(run)
