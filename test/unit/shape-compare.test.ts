import { describe, expect, it } from 'vitest';
import { shapeDiff, shapeOf } from '../helpers/shape-compare.js';

describe('shape-compare helper', () => {
  it('finds a missing nested key and a type change, merges array elements', () => {
    const ref = shapeOf({ items: [{ name: 'a', message_stats: { publish: 1 } }, { name: 'b', x: null }], total: 2 });
    expect(ref).toEqual({ items: 'array', 'items[]': 'object', 'items[].name': 'string', 'items[].message_stats': 'object', 'items[].message_stats.publish': 'number', 'items[].x': 'null', total: 'number' });
    const warren = shapeOf({ items: [{ name: 'a', x: 3 }], total: '2' });
    expect(shapeDiff(ref, warren)).toEqual(['missing items[].message_stats (object)', 'missing items[].message_stats.publish (number)', 'type of total: RabbitMQ number, Warren string']);
    expect(shapeDiff(ref, warren, ['items[].message_stats', 'total'])).toEqual([]);
  });
});
