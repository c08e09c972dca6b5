/**
 * Strings with lone surrogates (half of a UTF-16 pair) cannot travel: msgpackr writes strings as UTF-8, and the
 * receiver would get U+FFFD in place of the half pair, a silent change of the message. The codec refuses them
 * (MessageEncodeError) after a cheap look at the encoded bytes; only when that look cannot rule them out is the
 * message walked string by string.
 */

/**
 * Whether `bytes[start, end)` may encode a lone surrogate. msgpackr writes one as U+FFFD (EF BF BD, measured for
 * short and long strings and keys with msgpackr 2.1); 0xED is checked too, for an encoder that writes the code
 * unit's own three bytes (ED A0..BF xx). A message with neither byte holds none. Either byte also appears in
 * well-formed messages (negative fixints, Hangul, U+FFFD itself): those are walked, and pass.
 */
export function mayHoldLoneSurrogate(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start <= 256) {
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      if (b === 0xed || b === 0xef) return true;
    }
    return false;
  }
  // indexOf has no end bound and the encode buffer runs past `end`: search a view of the message only.
  const view = bytes.subarray(start, end);
  return view.indexOf(0xed) !== -1 || view.indexOf(0xef) !== -1;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Where in `value` a string (a value, an object key, a Map key, a Set member) holds a lone surrogate, as a path
 * such as `message.items[2].name`, or undefined when none does. `value` is one that msgpackr just encoded, so
 * it has no cycles.
 */
export function findLoneSurrogate(value: unknown, path = 'message'): string | undefined {
  // A cheap walk first (no path strings): most messages that get here hold none (a 0xEF byte in a number).
  return holdsLoneSurrogate(value) ? describe(value, path) : undefined;
}

/** Whether any string of `value` (as findLoneSurrogate walks it) holds a lone surrogate; allocates nothing. */
function holdsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof Date) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (holdsLoneSurrogate(value[i])) return true;
    return false;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) if (holdsLoneSurrogate(k) || holdsLoneSurrogate(v)) return true;
    return false;
  }
  if (value instanceof Set) {
    for (const v of value) if (holdsLoneSurrogate(v)) return true;
    return false;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (LONE_SURROGATE.test(key) || holdsLoneSurrogate((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function describe(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : undefined;
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof Date) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = describe(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const found = describe(k, `a key of ${path}`) ?? describe(v, `${path}.get(${describeKey(k)})`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value instanceof Set) {
    for (const v of value) {
      const found = describe(v, `a member of ${path}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (LONE_SURROGATE.test(key)) return `a key of ${path}`;
    const found = describe((value as Record<string, unknown>)[key], `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

const describeKey = (k: unknown): string => (typeof k === 'string' && !LONE_SURROGATE.test(k) ? JSON.stringify(k) : typeof k);
