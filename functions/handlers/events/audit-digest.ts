/**
 * The hourly audit digest (functions/domain/audit-digest.ts; docs/audit.md): for each scope (an
 * entity, or `global` for the supplier register) with chain heads that moved or anomalies the
 * watcher saw since its last digest, the next digest, signed by the KMS key, written to the locked
 * bucket; then the scope's state moves on and what was sealed is cleared.
 *
 * A busy hour is sealed in several digests of at most MAX_HEADS_PER_DIGEST heads each, in a row.
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

/**
 * At most this many chain heads (and anomalies) in one digest. A busy hour (a bulk import, a
 * migration) moves tens of thousands of chains: sealed in one digest that is 160 bytes a head, 14.6 MB
 * for 90 000 heads. An incremental verification (`since=N`) reads digest N whole, for its signature
 * and the hash digest N+1 links to, so its cost would follow the busiest hour before N (1.5 s at
 * 90 000 heads; bench/audit-verify.ts) rather than what changed since. Capped, such an hour writes
 * several digests, numbers in a row, each signed and linked to the one before as any other: no digest
 * is over about 800 KB, read and checked in tens of milliseconds, and the digest function holds and
 * signs one bounded digest at a time. Lower would only multiply objects and KMS calls in busy hours
 * (an hour of 100 000 heads: 20 digests); an ordinary hour moves far fewer chains and stays one digest.
 */
export const MAX_HEADS_PER_DIGEST = 5_000;

export interface DigestRun {
  sealed: { scope: string; number: number; heads: number; anomalies: number; key: string }[];
}

/**
 * Seals what is pending, scope by scope, in digests of at most `maxHeads` heads and anomalies each
 * (the anomalies first, then the heads in order of aggregate); `maxHeads` is lowered by tests only.
 */
export const sealAll = async ({ maxHeads = MAX_HEADS_PER_DIGEST } = {}): Promise<DigestRun> => {
  if (!Number.isInteger(maxHeads) || maxHeads < 1) throw new Error(`maxHeads must be a positive integer`);
  const [heads, anomalies] = await Promise.all([pendingHeads(), pendingAnomalies()]);
  const sealed: DigestRun['sealed'] = [];
  for (const [scope, pending] of byScope(heads, anomalies)) {
    // The previous digest as its state kept it (number, hash, time): what the next one links to.
    let state = await digestState(scope);
    for (let a = 0, h = 0; a < pending.anomalies.length || h < pending.heads.length; ) {
      const someAnomalies = pending.anomalies.slice(a, a + maxHeads);
      const someHeads = pending.heads.slice(h, h + maxHeads - someAnomalies.length);
      a += someAnomalies.length;
      h += someHeads.length;
      const digest = nextDigest(
        scope,
        state && { scope, number: state.number, digestHash: state.digestHash, createdAt: state.createdAt },
        someHeads,
        someAnomalies.map(({ at, kind, key, detail }) => ({ at, kind, key, detail })),
        nowIso(),
      );
      if (!digest) break;
      const hash = digestHash(digest);
      const { signature, keyId } = await signDigestHash(hash);
      const signed: SignedDigest = {
        digest,
        digestHash: hash,
        signature,
        keyId,
        algorithm: SIGNING_ALGORITHM,
      };
      const key = digestKey(scope, digest.number);
      await putDigestObject(key, `${JSON.stringify(signed, null, 2)}\n`);
      const next = { number: digest.number, digestHash: hash, createdAt: digest.createdAt };
      await advanceDigestState(scope, state?.number ?? 0, next);
      state = { PK: '', SK: scope, scope, ...next };
      // Cleared side by side, a few at a time: a busy hour has hundreds of heads. A crash before the
      // rest of the scope's digests leaves the rest pending: the next run seals it after this one.
      const clears = [
        ...someHeads.map((x) => () => clearPendingHead(x)),
        ...someAnomalies.map((x) => () => clearAnomaly(x)),
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
  }
  if (sealed.length)
    log.info('audit digests sealed', {
      sealed: sealed.length > 20 ? [...sealed.slice(0, 20), { more: sealed.length - 20 }] : sealed,
    });
  return { sealed };
};

export const handler = withObservability(async (_event: unknown): Promise<DigestRun> => sealAll());
