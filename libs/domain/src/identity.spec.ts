import { describe, expect, it } from '@jest/globals';
import { MAX_PASSWORD_LENGTH, passwordLength, passwordProblem, passwordTooLong } from './identity';

describe('the password rule', () => {
  it('counts code points, not UTF-16 units', () => {
    const emoji = '🔐'.repeat(200);
    expect(emoji.length).toBe(400);
    expect(passwordLength(emoji)).toBe(200);
    expect(passwordProblem(emoji)).toBeNull();
    expect(passwordTooLong(emoji)).toBe(false);
  });

  it('bounds a password at 12 to 256 characters, the same bound for setting and for sign-in', () => {
    expect(passwordProblem('short')).toBe('must be at least 12 characters');
    expect(passwordProblem('🔐'.repeat(11))).toBe('must be at least 12 characters');
    expect(passwordProblem('x'.repeat(MAX_PASSWORD_LENGTH))).toBeNull();
    expect(passwordProblem('x'.repeat(MAX_PASSWORD_LENGTH + 1))).toBe('must be at most 256 characters');
    expect(passwordProblem('🔐'.repeat(MAX_PASSWORD_LENGTH + 1))).toBe('must be at most 256 characters');
    expect(passwordProblem('x'.repeat(5_000_000))).toBe('must be at most 256 characters');
    expect(passwordTooLong('x'.repeat(MAX_PASSWORD_LENGTH + 1))).toBe(true);
    expect(passwordTooLong('🔐'.repeat(MAX_PASSWORD_LENGTH))).toBe(false);
    expect(passwordProblem(42)).toBe('must be text');
  });
});
