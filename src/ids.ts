/**
 * UUIDv7 ids (RFC 9562, section 5.7) from the lab's clock and random source, so ids are
 * time-ordered in storage and reproducible in tests that inject both.
 *
 * @internal
 * @module
 */

/**
 * A function returning a new id each call; `at`, when given, is the time to use instead of
 * reading the clock (for a caller that has just read it for the record's own timestamp).
 * @internal
 */
export type IdGenerator = (at?: Date) => string;

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

/**
 * Returns a UUIDv7 generator: 48 bits of Unix milliseconds from `clock`, then a 12-bit counter
 * (`rand_a`, RFC 9562 method 1) that starts at a random value below 2048 each new millisecond
 * and counts up within it, then 62 random bits. Ids made by one generator therefore sort (as
 * text) in the order they were made, even within one millisecond or when the clock steps back
 * (the last timestamp is kept until the clock passes it).
 *
 * @param clock - The lab's clock.
 * @param random - Uniform numbers in [0, 1); 32 bits of each draw are used.
 *
 * @example
 * ```ts
 * const nextId = uuidv7Generator(() => new Date('2026-01-01T00:00:00Z'), Math.random);
 * nextId(); // '019b7697-6000-7…'
 * ```
 * @internal
 */
export function uuidv7Generator(clock: () => Date, random: () => number): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  const word = () => Math.floor(random() * 0x1_0000_0000) >>> 0;
  return (at?: Date) => {
    let ms = (at ?? clock()).getTime();
    if (!Number.isFinite(ms) || ms < 0) ms = 0;
    if (ms > lastMs) {
      lastMs = ms;
      counter = word() & 0x7ff;
    } else {
      counter++;
      if (counter > 0xfff) {
        // 4096 ids in one millisecond: borrow the next one, as RFC 9562 allows.
        lastMs++;
        counter = word() & 0x7ff;
      }
      ms = lastMs;
    }
    const bytes = new Uint8Array(16);
    // 48-bit big-endian milliseconds (exact for any date before the year 10889).
    const high = Math.floor(ms / 0x1_0000_0000);
    const low = ms >>> 0;
    bytes[0] = (high >>> 8) & 0xff;
    bytes[1] = high & 0xff;
    bytes[2] = low >>> 24;
    bytes[3] = (low >>> 16) & 0xff;
    bytes[4] = (low >>> 8) & 0xff;
    bytes[5] = low & 0xff;
    bytes[6] = 0x70 | (counter >>> 8);
    bytes[7] = counter & 0xff;
    const a = word();
    const b = word();
    bytes[8] = 0x80 | ((a >>> 24) & 0x3f);
    bytes[9] = (a >>> 16) & 0xff;
    bytes[10] = (a >>> 8) & 0xff;
    bytes[11] = a & 0xff;
    bytes[12] = b >>> 24;
    bytes[13] = (b >>> 16) & 0xff;
    bytes[14] = (b >>> 8) & 0xff;
    bytes[15] = b & 0xff;
    let out = '';
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
      out += HEX[bytes[i] as number];
    }
    return out;
  };
}
