/**
 * The words of an import's refusal, shared by main and the screen (no zod, so the renderer can read
 * them). A refused file is `damaged_file`, `password_required` or `wrong_password` with
 * `reasons: [format, problem?]`: the format the content looked like and, for a damaged one, what
 * is wrong. The screen turns both into a sentence that says what to do, in the user's language.
 */
export const importFormats = [
  'wem_backup',
  'aegis',
  'aegis_encrypted',
  'two_fas',
  'two_fas_encrypted',
  'google_migration',
  'otpauth_list',
  'andotp',
  'andotp_encrypted',
  'freeotp',
  'freeotp_backup',
  'freeotp_plus',
  'bitwarden_json',
  'bitwarden_csv',
  'bitwarden_encrypted',
  'authenticator_pro',
  'authenticator_pro_encrypted',
  'authenticator_pro_legacy',
  'proton',
  'proton_encrypted',
  'steam',
  'unknown',
] as const;
export type ImportFormat = (typeof importFormats)[number];

/** What is wrong with a file of a known format (the second reason of `damaged_file`). */
export const importFileProblems = [
  /** Nothing the app knows: the first reason is then `unknown`. */
  'not_recognised',
  /** Cut off, changed, or not what its format says. */
  'damaged',
  /** A newer (or older) version of the format than the app reads. */
  'unsupported_version',
  /** An encryption the app cannot open (Bitwarden's and Proton's own): export it unencrypted. */
  'unsupported_encryption',
  /** The file holds no accounts. */
  'no_entries',
] as const;
export type ImportFileProblem = (typeof importFileProblems)[number];

/** Why one entry of a file was not imported, beside account.ts's problems (invalid_secret, …). */
export const importEntryProblems = ['damaged_entry', 'not_otpauth', 'undecryptable_entry'] as const;
