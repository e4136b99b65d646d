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

  it('names the second of each instant, however the instants follow one another', () => {
    // Written out without the kept text of the last second: what every call must equal.
    const plainly = (ms: number) => {
      const shifted = new Date(ms + 8 * 60 * 60 * 1000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return (
        `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())} ` +
        `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`
      );
    };
    const start = Date.parse('2025-12-31T15:59:58.500Z');
    const instants = [
      // Around a second, a day and a year changing in China, forth and back.
      ...[0, 499, 500, 501, 1_499, 1_500, 1_501, 2_500, 1_000, 0, -1].map((ms) => start + ms),
      // Fractions, which Date drops, either side of the epoch.
      0.4,
      0.9,
      -0.4,
      -0.9,
      -1,
      -1.5,
      -28_800_000.5,
      -28_799_999.5,
      // The last millisecond Date knows, and the first past it, in the same second of China time.
      8.64e15 - 28_800_000,
      8.64e15 - 28_800_000 + 1,
      8.64e15,
      Number.NaN,
    ];
    for (const ms of instants) expect(formatTopTimestamp(ms)).toBe(plainly(ms));
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
