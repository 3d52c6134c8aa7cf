"""A Celery app for test/interop/celery.test.ts.

The broker URL, the queue name and a results file come from the environment:
WARREN_CELERY_BROKER, WARREN_CELERY_QUEUE, WARREN_CELERY_RESULTS. The one task,
`record`, appends a JSON line {"name", "at"} to the results file when it runs,
so the test sees which task ran when without a result backend.
"""
import json
import os
import time

from celery import Celery

app = Celery('warren_celery_test', broker=os.environ['WARREN_CELERY_BROKER'])
app.conf.update(
    task_default_queue=os.environ['WARREN_CELERY_QUEUE'],
    # The setting the issue is about: one message in flight per worker process.
    worker_prefetch_multiplier=1,
    worker_concurrency=1,
    task_acks_late=False,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    # No events, gossip or mingle: the worker's only AMQP traffic is the task queue.
    worker_send_task_events=False,
)


@app.task(name='record')
def record(name):
    with open(os.environ['WARREN_CELERY_RESULTS'], 'a', encoding='utf-8') as f:
        f.write(json.dumps({'name': name, 'at': time.time()}) + '\n')
    return name
