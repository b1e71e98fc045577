/**
 * Text from outside as one quoted, printable line: JSON escapes quotes, backslashes and control
 * characters; line and paragraph separators, bidi overrides and other invisible format characters are
 * escaped too, since a terminal would honour them.
 */
export function untrusted(text: string): string {
  return JSON.stringify(text).replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`,
  );
}
