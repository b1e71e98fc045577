/** The word that confirms, besides the account's own address (in either case, spaces around ignored). */
export const confirmWord = 'DELETE';

export function confirmsDeletion(typed: string, email: string): boolean {
  const text = typed.trim();
  return text === confirmWord || (email !== '' && text.toLowerCase() === email.toLowerCase());
}
