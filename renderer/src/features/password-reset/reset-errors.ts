/** Codes after which the reset cannot go on with this link: the user asks for a new one. */
export const resetDeadEnds = [
  'reset_invalid',
  'reset_expired',
  'reset_used',
  'too_many_attempts',
  'no_reset_in_progress',
];
