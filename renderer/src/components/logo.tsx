/** build/icon.svg's shield with the W, small enough for the top bar; decorative next to the name. */
export function Logo({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 1024 1024" aria-hidden="true" focusable="false">
      <rect x="64" y="64" width="896" height="896" rx="200" fill="#1f4fc4" />
      <path
        d="M512 196 L772 290 V500 C772 664 662 780 512 836 C362 780 252 664 252 500 V290 Z"
        fill="#ffffff"
      />
      <path
        d="M372 392 L432 640 L512 470 L592 640 L652 392"
        fill="none"
        stroke="#1f4fc4"
        strokeWidth="56"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
