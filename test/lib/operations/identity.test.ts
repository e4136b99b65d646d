import { describe, expect, it } from 'vitest';
import { canonicalJson, factKey, operationIdFor, payloadHash } from '#lib/operations/identity.ts';

describe('operationIdFor', () => {
  it('gives the same delivery the same id, and another flow or key another id', () => {
    const id = operationIdFor('wms-delivery', 'msg_1');
    expect(id).toMatch(/^op_[\w-]{26}$/);
    expect(operationIdFor('wms-delivery', 'msg_1')).toBe(id);
    expect(operationIdFor('storefront-fulfill', 'msg_1')).not.toBe(id);
    expect(operationIdFor('wms-delivery', 'msg_2')).not.toBe(id);
  });
});

describe('payloadHash', () => {
  it('does not depend on key order or whitespace', () => {
    const a = JSON.parse('{"b": 1, "a": {"y": [1, {"q": 2, "p": 3}], "x": null}}');
    const b = JSON.parse('{"a":{"x":null,"y":[1,{"p":3,"q":2}]},"b":1}');
    expect(payloadHash(a)).toBe(payloadHash(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":null,"y":[1,{"p":3,"q":2}]},"b":1}');
  });

  it('tells apart bodies that differ in a value, in array order or in type', () => {
    const base = payloadHash({ a: [1, 2], b: '1' });
    expect(payloadHash({ a: [2, 1], b: '1' })).not.toBe(base);
    expect(payloadHash({ a: [1, 2], b: 1 })).not.toBe(base);
    expect(payloadHash({ a: [1, 2], b: '1', c: null })).not.toBe(base);
  });
});

describe('factKey', () => {
  it('keys a fact by all of its parts, without showing them', () => {
    const key = factKey('fulfil', 'shop-1', '888877779999', 'LA88887777CN', 'part');
    expect(key).not.toContain('888877779999');
    expect(factKey('fulfil', 'shop-1', '888877779999', 'LA88887777CN', 'all')).not.toBe(key);
    expect(factKey('fulfil', 'shop-2', '888877779999', 'LA88887777CN', 'part')).not.toBe(key);
  });
});
