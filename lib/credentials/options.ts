/** Throws a TypeError naming the options `owner` does not know: a typo must not pass as a default. */
export function rejectUnknownOptions(owner: string, options: object, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new TypeError(`Unknown ${owner} option(s): ${unknown.join(', ')}`);
}

/** Checks a duration option in seconds: finite and not negative. */
export function checkSeconds(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number of seconds, got ${value}`);
  }
  return value;
}
