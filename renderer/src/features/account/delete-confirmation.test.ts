import { describe, expect, it } from 'vitest';
import { confirmsDeletion } from './delete-confirmation';

describe('the typed confirmation of deleting an account', () => {
  it('takes DELETE or the account’s own address, and nothing else', () => {
    expect(confirmsDeletion('DELETE', 'jane@example.com')).toBe(true);
    expect(confirmsDeletion('  DELETE ', 'jane@example.com')).toBe(true);
    expect(confirmsDeletion('Jane@Example.com', 'jane@example.com')).toBe(true);
    for (const typed of ['', 'delete', 'DELET', 'yes', 'jane@example.org'])
      expect(confirmsDeletion(typed, 'jane@example.com'), typed).toBe(false);
    expect(confirmsDeletion('', '')).toBe(false);
  });
});
