// The Node.js the product runs on: package.json's `engines`, and the sentence for any other Node.
// Entry points import ./require-supported-node first, which applies it.

/** package.json's `engines.node`: the Node.js 24 LTS line, from its first LTS release on. */
export const supportedNode = { range: '^24.11.0', major: 24, minimum: [24, 11, 0] } as const;

/** Whether a `process.versions.node` string ("24.21.0") is in the supported range. */
export function isSupportedNode(version: string): boolean {
  const parts = version.split('.').map((part) => Number.parseInt(part, 10));
  if (parts.length < 3 || parts.some((part) => !Number.isInteger(part))) return false;
  const [major, minor, patch] = parts as [number, number, number];
  if (major !== supportedNode.major) return false;
  const [, minMinor, minPatch] = supportedNode.minimum;
  return minor > minMinor || (minor === minMinor && patch >= minPatch);
}

/** The one sentence printed on an unsupported Node. */
export function unsupportedNodeSentence(version: string, execPath: string): string {
  return (
    `WEM Account runs on Node.js 24 LTS (${supportedNode.minimum.join('.')} or a later 24.x) but this is ` +
    `Node.js v${version} (${execPath}); start it through npm (npm start, npm run server, npm test), ` +
    'which uses the Node 24 that `npm install` put in node_modules/.bin, or install Node 24.'
  );
}
