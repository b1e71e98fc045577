import type { CodeViewPayload } from '../../../../common/contract/ipc-authenticator';

/** A code split for reading aloud: 3+3 for six digits, 3+4 for seven, 4+4 for eight. */
export function groupDigits(code: string): string {
  if (!/^\d{6,8}$/.test(code)) return code;
  const cut = code.length === 8 ? 4 : 3;
  return `${code.slice(0, cut)} ${code.slice(cut)}`;
}

/** Entries whose issuer or account name holds every word of the search, in any case and order. */
export function matching(entries: readonly CodeViewPayload[], search: string): CodeViewPayload[] {
  const words = search.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...entries];
  return entries.filter((entry) => {
    const text = `${entry.issuer} ${entry.label}`.toLocaleLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** Every id in the list's order with `id` moved one place up (-1) or down (+1); unchanged at an end. */
export function moved(ids: readonly string[], id: string, by: -1 | 1): string[] {
  const order = [...ids];
  const from = order.indexOf(id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= order.length) return order;
  [order[from], order[to]] = [order[to] as string, order[from] as string];
  return order;
}

/**
 * What a TOTP entry shows `elapsedMs` after main computed it: the same code with fewer seconds
 * left, or, once its period ran out before main's next push arrived, the next code.
 */
export function shownCode(
  entry: CodeViewPayload,
  elapsedMs: number,
): { code: string; nextCode: string | null; secondsLeft: number | null } {
  if (entry.secondsLeft === null || entry.period === null) return entry;
  const left = entry.secondsLeft - Math.floor(elapsedMs / 1000);
  if (left > 0) return { code: entry.code, nextCode: entry.nextCode, secondsLeft: left };
  return {
    code: entry.nextCode ?? entry.code,
    nextCode: null,
    secondsLeft: Math.max(1, entry.period + left),
  };
}

/** "GitHub (jane)", or just the one name that is there. */
export function entryName(entry: { issuer: string; label: string }): string {
  if (entry.issuer && entry.label) return `${entry.issuer} (${entry.label})`;
  return entry.issuer || entry.label;
}

/** A file's bytes as base64, for the image channel (no data: prefix). */
export async function base64Of(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk)
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}
