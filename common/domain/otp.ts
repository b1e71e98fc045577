/**
 * RFC 4226 (and RFC 6238 with counter = time step): the HMAC of the 8-byte big-endian counter,
 * dynamically truncated to 31 bits. The HMAC itself is the caller's (Node's crypto in the API and in
 * the desktop app): common/ runs everywhere and imports no platform module.
 */
export function truncatedHmac(hmac: (message: Uint8Array) => Uint8Array, counter: number): number {
  const message = new Uint8Array(8);
  const view = new DataView(message.buffer);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
  const mac = hmac(message);
  const offset = mac[mac.length - 1]! & 0x0f;
  return new DataView(mac.buffer, mac.byteOffset, mac.byteLength).getUint32(offset) & 0x7fffffff;
}

/** The last `digits` decimal digits of a truncated HMAC, zero-padded: the code people type. */
export function decimalCode(value: number, digits: number): string {
  return String(value % 10 ** digits).padStart(digits, '0');
}
