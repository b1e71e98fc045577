import jpeg from 'jpeg-js';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { DesktopError } from '../desktop-error';

/** Decoded pixels, 4 bytes a pixel in RGBA order, rows top to bottom. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Beyond this an image is refused before it is decoded: a small file can declare a huge canvas (a
 * decompression bomb), and jsQR's time grows with the pixels. 40 MP covers a 6K screen.
 */
export const maxImagePixels = 40_000_000;
export const maxImageBytes = 16 * 1024 * 1024;

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG or JPEG file -> its pixels; anything else, or a damaged or oversized file, is `unreadable_image`. */
export function decodeImageFile(bytes: Uint8Array): RgbaImage {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (file.length > maxImageBytes) throw new DesktopError('payload_too_large');
  if (file.subarray(0, 8).equals(pngSignature)) return decodePng(file);
  if (file[0] === 0xff && file[1] === 0xd8 && file[2] === 0xff) return decodeJpeg(file);
  throw new DesktopError('unreadable_image');
}

function decodePng(file: Buffer): RgbaImage {
  // The IHDR chunk comes first: its width and height are checked before any pixel is inflated.
  if (file.length < 24 || file.toString('latin1', 12, 16) !== 'IHDR')
    throw new DesktopError('unreadable_image');
  checkSize(file.readUInt32BE(16), file.readUInt32BE(20));
  try {
    const png = PNG.sync.read(file);
    return { width: png.width, height: png.height, data: png.data };
  } catch {
    throw new DesktopError('unreadable_image');
  }
}

function decodeJpeg(file: Buffer): RgbaImage {
  try {
    const image = jpeg.decode(file, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: maxImagePixels / 1_000_000,
      maxMemoryUsageInMB: 512,
    });
    checkSize(image.width, image.height);
    return image;
  } catch {
    throw new DesktopError('unreadable_image');
  }
}

function checkSize(width: number, height: number): void {
  if (width < 1 || height < 1 || width * height > maxImagePixels) throw new DesktopError('unreadable_image');
}

/** Electron's nativeImage.toBitmap() is BGRA: the red and blue bytes swap places. */
export function bgraToRgba(image: RgbaImage): RgbaImage {
  const data = new Uint8Array(image.data);
  for (let i = 0; i + 3 < data.length; i += 4) {
    const blue = data[i] as number;
    data[i] = data[i + 2] as number;
    data[i + 2] = blue;
  }
  return { ...image, data };
}

/** The text of the QR code in the picture, or undefined when there is none. */
export function findQrText(image: RgbaImage): string | undefined {
  if (image.width < 1 || image.height < 1 || image.data.length < image.width * image.height * 4) return;
  const pixels = new Uint8ClampedArray(
    image.data.buffer,
    image.data.byteOffset,
    image.width * image.height * 4,
  );
  try {
    // Dark-on-light first, then light-on-dark (dark themes show QR codes inverted).
    return jsQR(pixels, image.width, image.height, { inversionAttempts: 'attemptBoth' })?.data || undefined;
  } catch {
    return undefined;
  }
}

/** The QR code's text in a PNG or JPEG file; `no_qr_code` when it has none. */
export function readQrFromFile(bytes: Uint8Array): string {
  const text = findQrText(decodeImageFile(bytes));
  if (text === undefined) throw new DesktopError('no_qr_code');
  return text;
}

/** Base64 as the page sends it (a data: URL prefix is allowed); anything else is `unreadable_image`. */
export function bytesFromBase64(input: string): Uint8Array {
  const base64 = input.replace(/^data:[a-z/+.-]+;base64,/i, '').replace(/\s/g, '');
  if (base64 === '' || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new DesktopError('unreadable_image');
  return Buffer.from(base64, 'base64');
}
