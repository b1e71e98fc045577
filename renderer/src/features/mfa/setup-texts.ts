/** The Base32 key in groups of four, the way people read it aloud or type it on a phone. */
export function groupedKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The text file the user keeps: what the codes are for, when they were made, one code a line. */
export function recoveryCodesFile(codes: readonly string[], email: string, madeAt: Date): string {
  return [
    'WEM Account recovery codes',
    `Account: ${email}`,
    `Made: ${madeAt.toISOString().slice(0, 10)}`,
    'Each code works once, instead of a code from your phone or mail.',
    'Keep this file somewhere safe; making new codes makes these worthless.',
    '',
    ...codes,
    '',
  ].join('\n');
}
