const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

// Date's range ends 8.64e15 ms either side of the epoch; past it there is no second to name.
const MAX_DATE_MS = 8.64e15;
// The last second formatted: the calls of one second share its text, which costs about a fifth of
// what signing does.
let lastSecond = Number.NaN;
let lastText = '';

/**
 * `yyyy-MM-dd HH:mm:ss` in GMT+8, the only clock the gateway reads. UTC getters on a shifted instant,
 * so the host's time zone (UTC on Lambda) never leaks in.
 */
export function formatTopTimestamp(at: Date | number = Date.now()): string {
  // Whole milliseconds, as Date keeps them: the text names their second, and only that.
  const ms = Math.trunc((typeof at === 'number' ? at : at.getTime()) + CHINA_OFFSET_MS);
  const second = Math.abs(ms) <= MAX_DATE_MS ? Math.floor(ms / 1000) : Number.NaN;
  if (second === lastSecond) return lastText;
  const shifted = new Date(ms);
  const text =
    `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())} ` +
    `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`;
  lastSecond = second;
  lastText = text;
  return text;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Reads a GMT+8 `yyyy-MM-dd HH:mm:ss` back into epoch milliseconds; `undefined` if malformed. */
export function parseTopTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  // Reject rolled-over dates such as 2026-02-31.
  if (formatTopTimestamp(utc - CHINA_OFFSET_MS) !== text) return undefined;
  return utc - CHINA_OFFSET_MS;
}
