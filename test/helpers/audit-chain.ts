import { GENESIS, hashEvent, type StoredEvent } from '../../functions/domain/audit.ts';

/**
 * An aggregate's audit chain as the store writes it (functions/adapters/store.ts): events 1 to
 * `count`, created then changed, each linked to the one before and hashed, keyed `AUDIT#type#id` /
 * `SEQ#…`, with the storage fields given (index entries, the aggregate's location).
 */
export const auditChain = (
  type: string,
  id: string,
  count: number,
  stored: Record<string, unknown> = {},
): StoredEvent[] => {
  const chain: StoredEvent[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const unhashed = {
      aggregateType: type,
      aggregateId: id,
      seq,
      prevHash: chain.at(-1)?.hash ?? GENESIS,
      at: new Date(Date.UTC(2026, 10, 24, 10, 0, seq)).toISOString(),
      actor: { sub: 'kari', name: 'Kari Nordmann', role: 'officer' },
      entityId: 'helse-sor-ost',
      action: seq === 1 ? `${type}.created` : `${type}.changed`,
      change: { seq },
    };
    chain.push({
      PK: `AUDIT#${type}#${id}`,
      SK: `SEQ#${String(seq).padStart(10, '0')}`,
      ...stored,
      ...unhashed,
      hash: hashEvent(unhashed),
    });
  }
  return chain;
};
