import { BadInputError } from '@app/domain';
import { parseWebhookUrl } from './monitoring.service';

const refusal = (value: string, allowHttp = false): BadInputError | undefined => {
  try {
    parseWebhookUrl('url', value, allowHttp);
    return undefined;
  } catch (error) {
    return error as BadInputError;
  }
};

describe('parseWebhookUrl in production', () => {
  it.each([
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:169.254.169.254]/latest/meta-data',
    'https://[::]/',
    'https://[fe80::1]/',
    'https://[::127.0.0.1]/',
    'https://100.64.0.1/',
    'https://0.0.0.1/',
    'https://2130706433/', // 127.0.0.1 as one number: URL normalises it
    'https://0x7f.1/',
    'https://localhost./',
    'https://redis/',
    'https://worker.internal/',
  ])('refuses %s as not public, naming the field', (url) => {
    const error = refusal(url);
    expect(error).toBeInstanceOf(BadInputError);
    expect(error?.field).toBe('url');
    expect(error?.message).toBe('url must name a public host');
  });

  it('accepts a public https URL', () => {
    expect(parseWebhookUrl('url', 'https://hooks.bank.example/credit-alliance', false)).toBe('https://hooks.bank.example/credit-alliance');
  });

  it('outside production takes a local http receiver', () => {
    expect(parseWebhookUrl('url', 'http://127.0.0.1:9000/hook', true)).toBe('http://127.0.0.1:9000/hook');
  });
});
