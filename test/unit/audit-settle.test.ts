/**
 * A verification reads an aggregate's item and its chain one after the other. A change committed
 * between the two reads (a bid arriving, the workflow's next step) left the item behind the chain,
 * and the verification reported the aggregate as changed without its event: an auditor verifying a
 * live tender saw a false alarm (test/e2e/hostile-input.test.ts met it under CI's load). An item
 * rolled back to an earlier version must still be reported.
 */
import { describe, expect, it } from 'vitest';
import { type AggregateState, type StoredEvent, settledChain } from '../../functions/domain/audit.ts';
import { auditChain } from '../helpers/audit-chain.ts';

const chainOf = (count: number) => auditChain('tender', 'tnd_1', count);
const at = (chain: StoredEvent[], version: number): AggregateState => ({
  version,
  auditHead: chain[version - 1]?.hash,
});

describe('settledChain: an item and its chain read at two moments', () => {
  it('reads again when a commit landed between the two reads, and finds nothing', async () => {
    const chain = chainOf(3);
    let rereads = 0;
    const settled = await settledChain(chain, at(chain, 2), async () => {
      rereads++;
      return { chain, item: at(chain, 3) };
    });
    expect(settled.findings).toEqual([]);
    expect(rereads).toBe(1);
  });

  it('keeps reading while commits keep landing between the reads, a few times at most', async () => {
    const chain = chainOf(10);
    let version = 3;
    const settled = await settledChain(chain.slice(0, 4), at(chain, version), async () => {
      version++;
      return { chain: chain.slice(0, version + 1), item: at(chain, version) };
    });
    // Behind each time: 3 rereads (the item at 6, the chain at 7), then reported.
    expect(version).toBe(6);
    expect(settled.findings.map((f) => f.kind)).toEqual(['aggregate-mismatch']);
  });

  it('reports an item rolled back to an earlier version: it stays behind however often it is read', async () => {
    const chain = chainOf(3);
    const settled = await settledChain(chain, at(chain, 2), async () => ({ chain, item: at(chain, 2) }));
    expect(settled.findings).toEqual([
      expect.objectContaining({ kind: 'aggregate-mismatch', seq: 3, aggregate: 'tender tnd_1' }),
    ]);
  });

  it('does not read again for an item ahead of its chain (events missing) or a chain that agrees', async () => {
    const chain = chainOf(3);
    let rereads = 0;
    const reread = async () => {
      rereads++;
      return { chain, item: at(chain, 3) };
    };
    expect((await settledChain(chain.slice(0, 2), at(chain, 3), reread)).findings).toHaveLength(1);
    expect((await settledChain(chain, at(chain, 3), reread)).findings).toEqual([]);
    expect(rereads).toBe(0);
  });
});
