import type { RunningApi } from '../../support/api';
import type { World } from '../../support/world';
import { COMPANY_TARGETS, companyOf, type MatrixCase } from '../matrix.types';

/**
 * Ends the full recompute runs the matrix's ADMIN started, at once: a run is global to the
 * database (one at a time, over every company), and other tests of the run share it.
 */
async function finishMatrixRuns(w: World, api: RunningApi): Promise<void> {
  await api.dataSource.transaction(async (tx) => {
    const runs: { id: string }[] = await tx.query(`SELECT id FROM full_recompute_runs WHERE requested_by = $1 AND status = 'RUNNING'`, [w.admin.user.id]);
    const ids = runs.map((r) => r.id);
    if (ids.length === 0) return;
    await tx.query(`UPDATE outbox SET sent_at = now() WHERE sent_at IS NULL AND job_name = 'full-recompute.v1' AND payload->>'runId' = ANY($1::text[])`, [ids]);
    await tx.query('UPDATE full_recompute_chunks SET done_at = now() WHERE run_id = ANY($1::uuid[]) AND done_at IS NULL', [ids]);
    await tx.query(`UPDATE full_recompute_runs SET status = 'DONE', finished_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  });
}

/** The recompute pipeline (issue 5). */
export const PIPELINE_CASES: Readonly<Record<string, MatrixCase>> = {
  'Company.ratingHistory': {
    operation: 'company.rating.read',
    parent: 'company.read',
    targets: COMPANY_TARGETS,
    request: (w, t) => ({ query: 'query($id: ID!) { company(id: $id) { ratingHistory(limit: 5) { score } } }', variables: { id: companyOf(w, t).id } }),
  },
  'Subscription.ratingChanged': {
    operation: 'ratingChanged.subscribe',
    // over HTTP the refusal is the same as over graphql-ws; an allowed caller is told to use graphql-ws
    targets: COMPANY_TARGETS,
    request: (w, t) => ({ query: 'subscription($c: ID) { ratingChanged(companyId: $c) { eventId } }', variables: { c: companyOf(w, t).id } }),
  },
  'Mutation.startFullRecompute': {
    operation: 'fullRecompute.start',
    targets: ['none'],
    request: () => ({ query: 'mutation { startFullRecompute { id status } }' }),
    after: finishMatrixRuns,
  },
  'Query.fullRecomputeRun': {
    operation: 'fullRecompute.read',
    targets: ['none'],
    request: () => ({ query: '{ fullRecomputeRun { id progress } }' }),
  },
};
