import fc from 'fast-check';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { clientErrorCodes, errorCodes } from '../../../common/contract/errors';
import { codeOf } from '../../../test/helpers/error-code';
import { bgraToRgba, bytesFromBase64, decodeImageFile, findQrText, readQrFromFile } from './qr';

const uri = 'otpauth://totp/ACME%20Co:jane%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&period=30';

function blankPng(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(255);
  return PNG.sync.write(png);
}

async function codeOfSync(run: () => unknown): Promise<string | undefined> {
  return codeOf(Promise.resolve().then(run));
}

describe('reading QR codes from images', () => {
  it('reads back exactly the otpauth URI a QR code PNG was drawn from', async () => {
    const png = await QRCode.toBuffer(uri, { type: 'png' });
    expect(readQrFromFile(png)).toBe(uri);
  });

  it('reads a QR code from a JPEG photo of it and from an inverted (dark theme) QR code', async () => {
    const png = PNG.sync.read(await QRCode.toBuffer(uri, { type: 'png', scale: 6 }));
    const photo = jpeg.encode({ data: png.data, width: png.width, height: png.height }, 80).data;
    expect(readQrFromFile(photo)).toBe(uri);
    const inverted = await QRCode.toBuffer(uri, {
      type: 'png',
      color: { dark: '#ffffff', light: '#000000' },
    });
    expect(readQrFromFile(inverted)).toBe(uri);
  });

  it('reads a screen capture in the BGRA order Electron hands over', async () => {
    const png = PNG.sync.read(await QRCode.toBuffer(uri, { type: 'png', color: { dark: '#102080' } }));
    const bgra = new Uint8Array(png.data);
    for (let i = 0; i < bgra.length; i += 4) [bgra[i], bgra[i + 2]] = [bgra[i + 2] ?? 0, bgra[i] ?? 0];
    expect(findQrText(bgraToRgba({ width: png.width, height: png.height, data: bgra }))).toBe(uri);
  });

  it('says an image without a QR code has none', async () => {
    expect(await codeOfSync(() => readQrFromFile(blankPng(64, 48)))).toBe('no_qr_code');
  });

  it('refuses files that are not images, damaged images and images too large to decode', async () => {
    const png = await QRCode.toBuffer(uri, { type: 'png' });
    expect(await codeOfSync(() => readQrFromFile(Buffer.from(uri)))).toBe('unreadable_image');
    expect(await codeOfSync(() => readQrFromFile(png.subarray(0, png.length / 2)))).toBe('unreadable_image');
    const jpegStart = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    expect(await codeOfSync(() => readQrFromFile(jpegStart))).toBe('unreadable_image');
    // A few bytes can declare a canvas of 2^31 × 2^31 pixels: refused before anything is inflated.
    const bomb = Buffer.from(png);
    bomb.writeUInt32BE(0x7fffffff, 16);
    bomb.writeUInt32BE(0x7fffffff, 20);
    expect(await codeOfSync(() => decodeImageFile(bomb))).toBe('unreadable_image');
  });

  it('takes base64 with or without a data: URL prefix and refuses anything else', async () => {
    const png = await QRCode.toBuffer(uri, { type: 'png' });
    expect(readQrFromFile(bytesFromBase64(png.toString('base64')))).toBe(uri);
    expect(readQrFromFile(bytesFromBase64(`data:image/png;base64,${png.toString('base64')}`))).toBe(uri);
    expect(await codeOfSync(() => bytesFromBase64('not base64!'))).toBe('unreadable_image');
    expect(await codeOfSync(() => bytesFromBase64(''))).toBe('unreadable_image');
  });

  it('answers arbitrary bytes with a contract error code, never a crash', async () => {
    const codes = new Set<string>([...errorCodes, ...clientErrorCodes]);
    const signatures = [
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
      Buffer.from([0xff, 0xd8, 0xff]),
      Buffer.alloc(0),
    ];
    const png = await QRCode.toBuffer(uri, { type: 'png' });
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      // Real headers followed by noise reach the decoders' inner parts.
      fc
        .tuple(fc.constantFrom(...signatures), fc.uint8Array({ maxLength: 2048 }))
        .map(([head, tail]) => Buffer.concat([head, tail])),
      // A valid QR code PNG with a few bytes changed.
      fc
        .array(fc.tuple(fc.nat(png.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
        .map((changes) => {
          const copy = Buffer.from(png);
          for (const [at, value] of changes) copy[at] = value;
          return copy;
        }),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (input) => {
        try {
          const text = readQrFromFile(input);
          expect(typeof text).toBe('string');
        } catch (error) {
          expect(codes.has(String((error as { code?: unknown }).code)), String(error)).toBe(true);
        }
      }),
      { numRuns: 300, seed: 6_2024 },
    );
  });
});
