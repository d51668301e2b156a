/**
 * The hourly audit digest (functions/domain/audit-digest.ts; docs/audit.md): for each scope (an
 * entity, or `global` for the supplier register) with chain heads that moved or anomalies the
 * watcher saw since its last digest, the next digest, signed by the KMS key, written to the locked
 * bucket; then the scope's state moves on and what was sealed is cleared.
 *
 * Order, so that a crash anywhere leaves nothing unsealed and nothing sealed twice differently:
 * the object first (a run that stops after it writes the same number again next time: a new
 * version of the object, the earlier one kept by the lock), then the state (conditional on the
 * number it read: two runs never both advance it), then the pending items (each only if no later
 * head of its chain came in meanwhile).
 */
import { digestKey, putDigestObject, signDigestHash } from '../../adapters/audit-archive.ts';
import { withObservability } from '../../adapters/observability.ts';
import { digestHash, nextDigest, SIGNING_ALGORITHM, type SignedDigest } from '../../domain/audit-digest.ts';
import {
  advanceDigestState,
  byScope,
  clearAnomaly,
  clearPendingHead,
  digestState,
  pendingAnomalies,
  pendingHeads,
} from '../../services/store/digests.ts';
import { nowIso } from '../../shared/clock.ts';
import { log } from '../../shared/log.ts';

const CLEAR_AT_ONCE = 16;

export interface DigestRun {
  sealed: { scope: string; number: number; heads: number; anomalies: number; key: string }[];
}

export const sealAll = async (): Promise<DigestRun> => {
  const [heads, anomalies] = await Promise.all([pendingHeads(), pendingAnomalies()]);
  const sealed: DigestRun['sealed'] = [];
  for (const [scope, pending] of byScope(heads, anomalies)) {
    // The previous digest as its state kept it (number, hash, time): what the next one links to.
    const state = await digestState(scope);
    const digest = nextDigest(
      scope,
      state && { scope, number: state.number, digestHash: state.digestHash, createdAt: state.createdAt },
      pending.heads,
      pending.anomalies.map(({ at, kind, key, detail }) => ({ at, kind, key, detail })),
      nowIso(),
    );
    if (!digest) continue;
    const hash = digestHash(digest);
    const { signature, keyId } = await signDigestHash(hash);
    const signed: SignedDigest = { digest, digestHash: hash, signature, keyId, algorithm: SIGNING_ALGORITHM };
    const key = digestKey(scope, digest.number);
    await putDigestObject(key, `${JSON.stringify(signed, null, 2)}\n`);
    await advanceDigestState(scope, state?.number ?? 0, {
      number: digest.number,
      digestHash: hash,
      createdAt: digest.createdAt,
    });
    // Cleared side by side, a few at a time: a busy hour has hundreds of heads.
    const clears = [
      ...pending.heads.map((h) => () => clearPendingHead(h)),
      ...pending.anomalies.map((a) => () => clearAnomaly(a)),
    ];
    for (let i = 0; i < clears.length; i += CLEAR_AT_ONCE)
      await Promise.all(clears.slice(i, i + CLEAR_AT_ONCE).map((clear) => clear()));
    sealed.push({
      scope,
      number: digest.number,
      heads: digest.heads.length,
      anomalies: digest.anomalies.length,
      key,
    });
  }
  if (sealed.length) log.info('audit digests sealed', { sealed });
  return { sealed };
};

export const handler = withObservability(async (_event: unknown): Promise<DigestRun> => sealAll());
