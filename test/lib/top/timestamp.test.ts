import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatTopTimestamp, parseTopTimestamp } from '#lib/top/timestamp.ts';

// 16:30 UTC on New Year's Eve is already 00:30 on New Year's Day in China.
const newYearInChina = Date.parse('2025-12-31T16:30:00Z');

// The host zones a Lambda or a developer's machine may run in, with the local hour of `newYearInChina`
// there: proof that the runtime change of TZ took effect, so the GMT+8 result is not a coincidence.
const HOST_ZONES = [
  ['UTC', 16],
  ['America/Sao_Paulo', 13],
  ['Asia/Tokyo', 1],
] as const;

const hostZone = process.env.TZ;

afterEach(() => {
  vi.useRealTimers();
});

describe('formatTopTimestamp', () => {
  describe.each(HOST_ZONES)('on a host in %s', (zone, localHour) => {
    it('formats in GMT+8 whatever the host zone is', () => {
      vi.stubEnv('TZ', zone);
      expect(new Date(newYearInChina).getHours()).toBe(localHour);

      expect(formatTopTimestamp(newYearInChina)).toBe('2026-01-01 00:30:00');
      expect(formatTopTimestamp(new Date(newYearInChina))).toBe('2026-01-01 00:30:00');
    });

    it('reads a GMT+8 timestamp back to the same instant', () => {
      vi.stubEnv('TZ', zone);
      expect(new Date(newYearInChina).getHours()).toBe(localHour);

      expect(parseTopTimestamp('2026-01-01 00:30:00')).toBe(newYearInChina);
    });
  });

  it('leaves the host zone as it found it', () => {
    expect(process.env.TZ).toBe(hostZone);
  });

  it.each([
    ['2025-12-31T15:59:59Z', '2025-12-31 23:59:59'],
    ['2025-12-31T16:00:00Z', '2026-01-01 00:00:00'],
    ['2025-12-31T16:30:00Z', '2026-01-01 00:30:00'],
    ['2026-02-28T16:00:00Z', '2026-03-01 00:00:00'],
    ['2028-02-28T16:00:00Z', '2028-02-29 00:00:00'],
    ['2026-06-30T23:59:59Z', '2026-07-01 07:59:59'],
    ['2026-01-05T01:02:03Z', '2026-01-05 09:02:03'],
  ])('turns %s into %s (day, month and year roll over at midnight China time)', (iso, expected) => {
    expect(formatTopTimestamp(Date.parse(iso))).toBe(expected);
  });

  it('truncates milliseconds rather than rounding them up', () => {
    expect(formatTopTimestamp(Date.parse('2026-01-05T01:02:03.999Z'))).toBe('2026-01-05 09:02:03');
  });

  it('defaults to the current time', () => {
    vi.useFakeTimers();
    vi.setSystemTime(newYearInChina);
    expect(formatTopTimestamp()).toBe('2026-01-01 00:30:00');
  });
});

describe('parseTopTimestamp', () => {
  it.each(['2026-01-01 00:30:00', '2025-12-31 23:59:59', '2028-02-29 12:00:00', '2026-11-23 10:00:00'])(
    'round-trips %s',
    (text) => {
      const epochMs = parseTopTimestamp(text);
      expect(epochMs).toBeTypeOf('number');
      expect(formatTopTimestamp(epochMs as number)).toBe(text);
    },
  );

  it('reads the text as China time, not host time', () => {
    vi.stubEnv('TZ', 'America/Sao_Paulo');
    expect(parseTopTimestamp('2026-11-23 10:00:00')).toBe(Date.parse('2026-11-23T02:00:00Z'));
  });

  it.each([
    ['an empty string', ''],
    ['ISO 8601 with a T', '2026-01-01T00:30:00'],
    ['a zone suffix', '2026-01-01 00:30:00Z'],
    ['no seconds', '2026-01-01 00:30'],
    ['unpadded fields', '2026-1-1 0:30:00'],
    ['leading whitespace', ' 2026-01-01 00:30:00'],
    ['trailing whitespace', '2026-01-01 00:30:00 '],
    ['slashes', '2026/01/01 00:30:00'],
    ['milliseconds', '2026-01-01 00:30:00.000'],
  ])('rejects %s', (_what, text) => {
    expect(parseTopTimestamp(text)).toBeUndefined();
  });

  it.each([
    '2026-02-31 10:00:00',
    '2026-02-29 10:00:00',
    '2026-04-31 10:00:00',
    '2026-13-01 10:00:00',
    '2026-00-10 10:00:00',
    '2026-01-00 10:00:00',
    '2026-01-01 24:00:00',
    '2026-01-01 23:60:00',
    '2026-01-01 23:59:60',
  ])('rejects the rolled-over date %s', (text) => {
    expect(parseTopTimestamp(text)).toBeUndefined();
  });
});
