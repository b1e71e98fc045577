import QRCode from 'qrcode';
import { useMemo } from 'react';

interface QrCodeProps {
  value: string;
  /** What the code holds, for screen readers (the text beside it says how to use it). */
  label: string;
  size?: number;
}

/**
 * A QR code drawn as one SVG path: no canvas, no data: URL (the CSP allows neither), crisp at any
 * zoom, dark modules on a white plate with the quiet zone scanners need, whatever the theme.
 */
export function QrCode({ value, label, size = 200 }: QrCodeProps) {
  const { path, modules } = useMemo(() => {
    const code = QRCode.create(value, { errorCorrectionLevel: 'M' });
    const count = code.modules.size;
    let d = '';
    for (let row = 0; row < count; row += 1)
      for (let column = 0; column < count; column += 1)
        if (code.modules.get(row, column)) d += `M${column + 4} ${row + 4}h1v1h-1z`;
    return { path: d, modules: count + 8 };
  }, [value]);
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${modules} ${modules}`}
      shapeRendering="crispEdges"
    >
      <rect width={modules} height={modules} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
}
