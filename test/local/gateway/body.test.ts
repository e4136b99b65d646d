import { describe, expect, it } from 'vitest';
import { isTextContentType } from '#local/gateway/body.ts';

describe('isTextContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON', true],
    ['text/plain', true],
    ['text/csv;charset=gbk', true],
    ['application/problem+json', true],
    ['application/cloudevents+json', true],
    ['application/xml', true],
    ['application/atom+xml', true],
    ['application/javascript', true],
    ['application/x-www-form-urlencoded', true],
    ['application/octet-stream', false],
    ['image/png', false],
    ['multipart/form-data; boundary=x', false],
    ['application/jsonx', false],
    ['', false],
    [undefined, false],
  ])('%s → text: %s', (contentType, text) => {
    expect(isTextContentType(contentType)).toBe(text);
  });
});
