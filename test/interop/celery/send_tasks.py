"""Sends the ETA task (due in argv[1] seconds) and then a normal task; prints one JSON line."""
import json
import sys
import time

from celery_app import app, record

eta_seconds = float(sys.argv[1])
sent_at = time.time()
record.apply_async(args=['eta'], countdown=eta_seconds)
record.apply_async(args=['now'])
with app.connection_for_write() as conn:
    conn.ensure_connection()
    product = conn.connection.server_properties.get('product')
    version = conn.connection.server_properties.get('version')
    spec = conn.qos_semantics_matches_spec
print(json.dumps({'sent_at': sent_at, 'product': product, 'version': version, 'qos_semantics_matches_spec': spec}))
