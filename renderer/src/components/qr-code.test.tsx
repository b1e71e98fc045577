import jsQR from 'jsqr';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { QrCode } from './qr-code';

/** The SVG as a phone camera would see it: each module 4×4 pixels, dark modules black on white. */
function scan(markup: string): string | undefined {
  const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(markup);
  const size = Number(viewBox?.[1]);
  const scale = 4;
  const width = size * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, x, y] of markup.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let dy = 0; dy < scale; dy += 1)
      for (let dx = 0; dx < scale; dx += 1) {
        const offset = ((Number(y) * scale + dy) * width + Number(x) * scale + dx) * 4;
        pixels.fill(0, offset, offset + 3);
      }
  }
  return jsQR(pixels, width, width)?.data;
}

describe('the QR code of an authenticator key', () => {
  const uri =
    'otpauth://totp/WEM%20Account:jane%40example.net?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=WEM%20Account';

  it('scans back to exactly the otpauth link it was drawn from', () => {
    const markup = renderToStaticMarkup(<QrCode value={uri} label="QR code" />);
    expect(scan(markup)).toBe(uri);
  });

  it('keeps a quiet zone of four modules around the code, as scanners need', () => {
    const markup = renderToStaticMarkup(<QrCode value={uri} label="QR code" />);
    const coordinates = [...markup.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].flatMap(([, x, y]) => [
      Number(x),
      Number(y),
    ]);
    const size = Number(/viewBox="0 0 (\d+)/.exec(markup)?.[1]);
    expect(Math.min(...coordinates)).toBe(4);
    expect(Math.max(...coordinates)).toBe(size - 5);
  });

  it('is an image with the name it was given, for screen readers', () => {
    const markup = renderToStaticMarkup(<QrCode value={uri} label="QR code with your key" />);
    expect(markup).toContain('role="img"');
    expect(markup).toContain('aria-label="QR code with your key"');
  });
});
