import { describe, expect, it } from '@jest/globals';
import type { JobName } from '@app/jobs';
import { handlerProblems } from './job-handler';

describe('the start-up check of job handlers', () => {
  const names = ['a.v1', 'b.v1'] as unknown as JobName[];
  it('passes when every job has exactly one handler', () => {
    expect(handlerProblems(names, [{ name: names[0], handler: 'A' }, { name: names[1], handler: 'B' }])).toEqual([]);
  });
  it('names missing, doubled and unknown handlers', () => {
    const problems = handlerProblems(names, [
      { name: names[0], handler: 'A' },
      { name: names[0], handler: 'A2' },
      { name: 'c.v1' as JobName, handler: 'C' },
    ]);
    expect(problems).toEqual(['job a.v1 has 2 handlers: A, A2', 'no handler for job b.v1', 'C handles unknown job c.v1']);
  });
});
