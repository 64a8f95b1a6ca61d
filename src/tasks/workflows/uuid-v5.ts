const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const SHA1_BLOCK = 64;
/** The 0x80 that ends a SHA-1 message and its 64-bit length in bits, at least this many bytes after it. */
const SHA1_PADDING = 9;
const utf8 = new TextEncoder();

/** A 32-bit word as 8 hex digits. */
const hexOf = (word: number) =>
  HEX_BYTES[word >>> 24] + HEX_BYTES[(word >>> 16) & 0xff] + HEX_BYTES[(word >>> 8) & 0xff] + HEX_BYTES[word & 0xff];

/**
 * RFC 9562 version 5 UUIDs in one namespace: the SHA-1 of the namespace UUID's 16 bytes and a
 * name's UTF-8, so the same pair always gives the same id. SHA-1 is written out (FIPS 180-4) over
 * one buffer that keeps the namespace's bytes: a workflow derives an id per task, and node:crypto
 * builds a Hash object per digest, which made the 1,000 ids of a chord about 3 ms before its first
 * member could start, against about 0.6 ms here (BENCHMARKS.md). No library fits: the `uuid`
 * package hashes through node:crypto too, and @noble/hashes' SHA-1 takes a new buffer per digest
 * (1.3 ms per 1,000 such ids warm, node:crypto 1.5 ms, this 0.6 ms, in one bare `node`).
 * @returns the id of a name in the namespace.
 */
export function uuidV5Of(namespace: string): (name: string) => string {
  const prefix = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  let message = new Uint8Array(2 * SHA1_BLOCK);
  let view = new DataView(message.buffer);
  message.set(prefix);
  const words = new Int32Array(80);
  return (name) => {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const room = Math.ceil((prefix.length + 3 * name.length + SHA1_PADDING) / SHA1_BLOCK) * SHA1_BLOCK;
    if (message.length < room) {
      message = new Uint8Array(room);
      view = new DataView(message.buffer);
      message.set(prefix);
    }
    const length = prefix.length + utf8.encodeInto(name, message.subarray(prefix.length)).written;
    const end = Math.ceil((length + SHA1_PADDING) / SHA1_BLOCK) * SHA1_BLOCK;
    message.fill(0, length, end);
    message[length] = 0x80;
    view.setUint32(end - 8, Math.floor(length / 2 ** 29));
    view.setUint32(end - 4, (length * 8) >>> 0);

    let h0 = 0x67452301;
    let h1 = 0xefcdab89 | 0;
    let h2 = 0x98badcfe | 0;
    let h3 = 0x10325476;
    let h4 = 0xc3d2e1f0 | 0;
    for (let offset = 0; offset < end; offset += SHA1_BLOCK) {
      for (let i = 0; i < 16; i++) words[i] = view.getInt32(offset + 4 * i);
      for (let i = 16; i < 80; i++) {
        const mixed = words[i - 3] ^ words[i - 8] ^ words[i - 14] ^ words[i - 16];
        words[i] = (mixed << 1) | (mixed >>> 31);
      }
      let a = h0;
      let b = h1;
      let c = h2;
      let d = h3;
      let e = h4;
      for (let i = 0; i < 80; i++) {
        const round =
          i < 20
            ? ((b & c) | (~b & d)) + 0x5a827999
            : i < 40
              ? (b ^ c ^ d) + 0x6ed9eba1
              : i < 60
                ? ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc
                : (b ^ c ^ d) + 0xca62c1d6;
        const next = (((a << 5) | (a >>> 27)) + round + e + words[i]) | 0;
        e = d;
        d = c;
        c = (b << 30) | (b >>> 2);
        b = a;
        a = next;
      }
      h0 = (h0 + a) | 0;
      h1 = (h1 + b) | 0;
      h2 = (h2 + c) | 0;
      h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0;
    }
    // The version (5) in the high nibble of byte 6, the variant (10) in the top bits of byte 8.
    h1 = (h1 & ~0xf000) | 0x5000;
    h2 = (h2 & 0x3fffffff) | 0x80000000;
    const [x0, x1, x2, x3] = [hexOf(h0), hexOf(h1), hexOf(h2), hexOf(h3)];
    return `${x0}-${x1.slice(0, 4)}-${x1.slice(4)}-${x2.slice(0, 4)}-${x2.slice(4)}${x3}`;
  };
}
