/** HTTP handler for the auditors' routes (functions/http/routes/audit.routes.ts). */

import { readExecution } from '../../adapters/step-functions.ts';
import type { Principal } from '../../domain/actors.ts';
import { agreementIdFor } from '../../domain/agreement.ts';
import { type Finding, type StoredEvent, settledChain, verifyChain } from '../../domain/audit.ts';
import type { DigestFindingKind } from '../../domain/audit-digest.ts';
import { callOffReleases } from '../../domain/ocds/call-offs.ts';
import {
  OCID_PREFIX,
  publicationBaseUrl,
  recordPackage,
  releasePackage,
} from '../../domain/ocds/packages.ts';
import { ocidFor, type ProcessData, processReleases } from '../../domain/ocds/process.ts';
import { entityById } from '../../domain/reference-data.ts';
import { RISK_EVENT_ACTIONS, riskFlags, riskRules } from '../../domain/risk-flags.ts';
import { biddersSealed, sealedEvent } from '../../domain/sealing.ts';
import { authorize } from '../../http/auth.ts';
import { notFound, Problem } from '../../http/errors.ts';
import { type HttpResult, httpHandler } from '../../http/http.ts';
import { auditRoutes } from '../../http/routes/audit.routes.ts';
import {
  digestFindings,
  digestSummary,
  type ScopeDigests,
  scopeDigests,
} from '../../services/audit-digests.ts';
import {
  type AgreementItem,
  allAgreements,
  getAgreement,
  listAmendments,
  listYears,
} from '../../services/store/agreements.ts';
import {
  type AuditItem,
  aggregateEvents,
  aggregateItems,
  entityEventsUpTo,
  GLOBAL_SCOPE,
  historyEvents,
  supplierRegisterEvents,
  supplierRegisterItems,
} from '../../services/store/audit.ts';
import { pendingHeadsOf } from '../../services/store/digests.ts';
import { listIndexPage, queryAll } from '../../services/store/query.ts';
import { loadReferenceCatalogue } from '../../services/store/reference.ts';
import { getSupplier } from '../../services/store/suppliers.ts';
import { getTender, listBids, listEntityTenders, type TenderItem } from '../../services/store/tenders.ts';
import { now, nowIso } from '../../shared/clock.ts';
import { csvDocument } from '../../shared/csv.ts';
import { loadTender } from './tender-access.ts';

/** The items of a tender's or agreement's partition that are aggregates (they carry a version). */
const partitionAggregates = async (pk: string) =>
  (
    await queryAll<{ PK: string; SK: string; version?: number; auditHead?: string }>({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'PK, SK, version, auditHead',
      ConsistentRead: true,
    })
  ).filter((i) => typeof i.version === 'number' && typeof i.auditHead === 'string');

const CHAINS_AT_ONCE = 16;

/**
 * The most audit events a full verification of an entity reads (`GET /audit/verify` without `since`).
 * It reads them all from the entity's index partition, then checks every chain, every digest and
 * every head they fixed: 3–4 s for 10 000 events on the bench's shared machine (bench/audit-verify.ts;
 * it grows with the events), and the API answers within 29 s: a third of that at the limit. Beyond
 * it, it refuses (422) rather than answer late or, as it did when it stopped reading at 20 000
 * events, with findings about the chains it had not read: the entity's auditors verify incrementally
 * (`since=N`) or the whole record offline from `GET /audit/export`.
 */
export const FULL_VERIFY_MAX_EVENTS = 30_000;

const tooLargeToVerify = (entityId: string, maxEvents: number) =>
  new Problem(
    422,
    'verification-too-large',
    'Too much to verify in one request',
    `Entity ${entityId} has more than ${maxEvents} audit events: more than a full verification reads and checks within the API's time limit. Verify what moved since the last digest you verified (GET /audit/verify?since=N), or the whole record offline: every page of GET /audit/export, the digest files and the signing key's public key, with npm run audit:verify (docs/audit.md).`,
    undefined,
    { maxEvents },
  );

/** The chains of events read from an index, each in stored order (by sequence key). */
const chainsOf = (events: AuditItem[]) => {
  const chains = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const key = `${e.aggregateType}#${e.aggregateId}`;
    const chain = chains.get(key);
    if (chain) chain.push(e);
    else chains.set(key, [e]);
  }
  for (const chain of chains.values())
    chain.sort((a, b) =>
      String(a.SK) < String(b.SK) ? -1 : String(a.SK) > String(b.SK) ? 1 : a.seq - b.seq,
    );
  return chains;
};

/**
 * Verifies every aggregate the events name and every aggregate found. Each chain is read whole from
 * the table (consistently, one query each), or, when `indexed` says the events are every event of
 * their chains as an index holds them (a full verification of an entity), checked from those first
 * and read again from the table only if that check finds something: the index lags a write by a
 * moment, so only what the table itself holds is reported.
 */
const verifyAll = async (
  discovered: AuditItem[],
  partitionItems: Awaited<ReturnType<typeof partitionAggregates>> = [],
  options: { indexed?: boolean } = {},
) => {
  const aggregates = new Map<string, { type: string; id: string; itemPK?: string; itemSK?: string }>();
  for (const e of discovered) {
    const key = `${e.aggregateType}#${e.aggregateId}`;
    if (!aggregates.has(key))
      aggregates.set(key, {
        type: e.aggregateType,
        id: e.aggregateId,
        ...(e.itemPK ? { itemPK: e.itemPK, itemSK: e.itemSK } : {}),
      });
  }
  const findings: Finding[] = [];
  const read: StoredEvent[] = [];
  let events = 0;
  const located = [...aggregates.values()].filter((a) => a.itemPK && a.itemSK) as {
    itemPK: string;
    itemSK: string;
  }[];
  const items = await aggregateItems(located.map((a) => ({ PK: a.itemPK, SK: a.itemSK })));
  const covered = new Set<string>();
  const list = [...aggregates.entries()];
  const whereOf = (a: { itemPK?: string; itemSK?: string }) =>
    a.itemPK ? `${a.itemPK}|${a.itemSK}` : undefined;
  const check = (a: { itemPK?: string; itemSK?: string }, chain: StoredEvent[]) => {
    const where = whereOf(a);
    return verifyChain(chain, where ? (items.get(where) ?? {}) : undefined);
  };
  const indexed = options.indexed ? chainsOf(discovered) : undefined;
  // Checked from the index first: the chains found intact there need no second read (nor check).
  const intact = new Set<string>();
  if (indexed) for (const [key, a] of list) if (!check(a, indexed.get(key) ?? []).length) intact.add(key);
  const toRead = list.filter(([key]) => !intact.has(key));
  // Each chain to read whole, a few side by side (one query each): an entity has thousands of them.
  const reread = new Map<string, StoredEvent[]>();
  for (let i = 0; i < toRead.length; i += CHAINS_AT_ONCE)
    await Promise.all(
      toRead
        .slice(i, i + CHAINS_AT_ONCE)
        .map(async ([key, a]) => reread.set(key, (await aggregateEvents(a.type, a.id)) as StoredEvent[])),
    );
  for (const [key, a] of list) {
    let chain = reread.get(key) ?? indexed?.get(key) ?? [];
    const where = whereOf(a);
    if (!intact.has(key)) {
      // The item was read before the chain: a change committed between the two leaves the item
      // behind, and both are read again (settledChain) rather than reported.
      const settled = await settledChain(chain, where ? (items.get(where) ?? {}) : undefined, async () => ({
        item: where
          ? ((await aggregateItems([{ PK: a.itemPK as string, SK: a.itemSK as string }])).get(where) ?? {})
          : undefined,
        chain: (await aggregateEvents(a.type, a.id)) as StoredEvent[],
      }));
      chain = settled.chain;
      findings.push(...settled.findings);
    }
    events += chain.length;
    for (const e of chain) read.push(e);
    if (where) covered.add(where);
  }
  let uncovered = 0;
  for (const item of partitionItems) {
    if (covered.has(`${item.PK}|${item.SK}`)) continue;
    uncovered++;
    findings.push({
      kind: 'aggregate-mismatch',
      aggregate: `${item.PK} ${item.SK}`,
      seq: item.version ?? 0,
      detail: `The aggregate is at version ${item.version} but none of its events can be found`,
    });
  }
  return { aggregates: aggregates.size, events, findings, read, uncovered };
};

/** How often, and after how long, a partition's history is read again for aggregates it did not name. */
const REDISCOVER_PAUSES_MS = [200, 500, 1000];

/**
 * A tender's or agreement's partition verified: its aggregates' items first, then the events its
 * history index names. An aggregate made while the partition is read (a bid at the deadline) is
 * found with events the index does not name yet (it lags a write by a moment): the history is read
 * again, a few times, before an item without events is reported.
 */
const verifyPartition = async (pk: string) => {
  const items = await partitionAggregates(pk);
  let result = await verifyAll(await historyEvents(pk), items);
  for (const pause of REDISCOVER_PAUSES_MS) {
    if (!result.uncovered) break;
    await new Promise((r) => setTimeout(r, pause));
    result = await verifyAll(await historyEvents(pk), items);
  }
  return result;
};

/**
 * A verification's answer: the chains' findings and those of the scope's signed digests (a chain
 * rewritten consistently after a digest passes the first and fails the second), with what was used.
 */
const verified = async (
  label: string,
  digestScope: string,
  result: Awaited<ReturnType<typeof verifyAll>>,
  options: { only?: boolean; since?: number; digests?: ScopeDigests } = {},
): Promise<HttpResult> => {
  const digests = options.digests ?? (await scopeDigests(digestScope, options.since ?? 1));
  const only = options.only
    ? new Set(result.read.map((e) => `${e.aggregateType}#${e.aggregateId}`))
    : undefined;
  const fromDigests = digestFindings(result.read, digests, {
    ...(only ? { only } : {}),
    complete: options.since === undefined || options.since <= 1,
  }).map((f): Omit<Finding, 'kind'> & { kind: Finding['kind'] | DigestFindingKind } => ({
    kind: f.kind,
    aggregate: f.aggregate?.replace('#', ' ') ?? `digest ${f.digest?.scope} ${f.digest?.number}`,
    seq: f.seq ?? f.digest?.number ?? 0,
    detail: f.detail,
  }));
  const findings = [...result.findings, ...fromDigests];
  return {
    body: {
      scope: label,
      ok: findings.length === 0,
      aggregates: result.aggregates,
      events: result.events,
      digests: digestSummary(digestScope, digests),
      findings,
    },
  };
};

/** Of the tenders the events' items live in, those whose bidders are still sealed (not opened). */
const sealedTenders = async (events: AuditItem[]): Promise<Set<string>> => {
  const partitions = [
    ...new Set(
      events
        .filter((e) => sealedEvent(e) !== e && e.itemPK?.startsWith('TENDER#'))
        .map((e) => e.itemPK as string),
    ),
  ];
  const tenders = await Promise.all(partitions.map((pk) => getTender(pk.slice('TENDER#'.length))));
  return new Set(
    partitions.filter((_, i) => {
      const tender = tenders[i];
      return !tender || biddersSealed(tender);
    }),
  );
};

const loadAgreement = async (principal: Principal, agreementId: string) => {
  const agreement = await getAgreement(agreementId);
  if (!agreement || agreement.entityId !== principal.entityId) throw notFound('Agreement', agreementId);
  authorize(principal, 'audit:read', {
    kind: 'Agreement',
    id: agreement.id,
    entityId: agreement.entityId,
    public: false,
  });
  return agreement;
};

type Row = {
  at: string;
  kind: 'audit' | 'workflow';
  actor: string;
  role: string;
  action: string;
  aggregate?: string;
  seq?: number;
  reason?: string;
  executionArn?: string;
  detail: unknown;
};

const auditRows = (events: AuditItem[]): Row[] =>
  events.map((e) => ({
    at: e.at,
    kind: 'audit',
    actor: e.actor.sub,
    role: e.actor.role,
    action: e.action,
    aggregate: `${e.aggregateType} ${e.aggregateId}`,
    seq: e.seq,
    ...(e.reason ? { reason: String(e.reason) } : {}),
    ...(e.executionArn ? { executionArn: String(e.executionArn) } : {}),
    detail: { actorName: e.actor.name, change: e.change, hash: e.hash },
  }));

const workflowRows = async (executionArns: string[]): Promise<Row[]> => {
  const rows: Row[] = [];
  for (const arn of [...new Set(executionArns)]) {
    const execution = await readExecution(arn);
    for (const ev of execution?.events ?? []) {
      const { timestamp, type, id, previousEventId: _p, ...details } = ev as Record<string, unknown>;
      rows.push({
        at: String(timestamp),
        kind: 'workflow',
        actor: 'system',
        role: 'workflow',
        action: String(type),
        executionArn: arn,
        seq: Number(id),
        detail: details,
      });
    }
  }
  return rows;
};

const timeline = (
  scope: string,
  rows: Row[],
  query: { from?: string; to?: string; actor?: string; kind?: 'audit' | 'workflow'; format?: 'json' | 'csv' },
): HttpResult => {
  const from = query.from ? Date.parse(query.from) : Number.NEGATIVE_INFINITY;
  const to = query.to ? Date.parse(query.to) : Number.POSITIVE_INFINITY;
  const items = rows
    .filter((r) => Date.parse(r.at) >= from && Date.parse(r.at) <= to)
    .filter((r) => !query.actor || r.actor === query.actor)
    .filter((r) => !query.kind || r.kind === query.kind)
    .sort(
      (a, b) =>
        a.at.localeCompare(b.at) ||
        (a.kind === b.kind ? (a.seq ?? 0) - (b.seq ?? 0) : a.kind === 'audit' ? -1 : 1),
    );
  if (query.format === 'csv') {
    const columns = [
      'at',
      'kind',
      'actor',
      'role',
      'action',
      'aggregate',
      'seq',
      'reason',
      'executionArn',
      'detail',
    ] as const;
    return {
      body: csvDocument(columns, items),
      contentType: 'text/csv; charset=utf-8',
      headers: {
        'content-disposition': `attachment; filename="${scope.replace(/[^a-z0-9_-]/gi, '_')}-history.csv"`,
      },
    };
  }
  return { body: { scope, items } };
};

/**
 * The full verification of an entity: every event it has, every chain, every digest. Refused (422)
 * above `maxEvents` (FULL_VERIFY_MAX_EVENTS; lowered by tests only), never answered from part of the
 * record.
 */
export const verifyEntity = async (
  entityId: string,
  { maxEvents = FULL_VERIFY_MAX_EVENTS } = {},
): Promise<HttpResult> => {
  const events = await entityEventsUpTo(entityId, maxEvents);
  if (!events) throw tooLargeToVerify(entityId, maxEvents);
  return verified(`entity ${entityId}`, entityId, await verifyAll(events, [], { indexed: true }));
};

export const handler = httpHandler(auditRoutes, {
  tenderOcds: async (req) => {
    const result = await ocdsHandlers.tenderOcds(req);
    return { body: JSON.stringify(result.body), contentType: 'application/json' };
  },
  ocdsRecord: (req) => ocdsHandlers.ocdsRecord(req),
  verify: async ({ principal, query }) => {
    if (query.register === 'suppliers') {
      const events = (await supplierRegisterEvents()).filter((e) => e.aggregateType === 'supplier');
      const items = (await supplierRegisterItems()).filter(
        (i) => typeof i.version === 'number' && typeof i.auditHead === 'string',
      );
      return verified('supplier register', GLOBAL_SCOPE, await verifyAll(events, items), { only: true });
    }
    if (query.tenderId) {
      const tender = await loadTender(principal, query.tenderId, 'audit:read');
      const result = await verifyPartition(`TENDER#${tender.id}`);
      return verified(`tender ${tender.id}`, tender.entityId, result, { only: true });
    }
    if (query.agreementId) {
      const agreement = await loadAgreement(principal, query.agreementId);
      const result = await verifyPartition(`AGREEMENT#${agreement.id}`);
      return verified(`agreement ${agreement.id}`, agreement.entityId, result, { only: true });
    }
    const entityId = principal.entityId as string;
    if (query.since !== undefined) {
      // Incremental: only the chains that moved since digest `since` (the digests after it name
      // them) or since the latest digest (still pending), each read whole; the digests from `since` on.
      const digests = await scopeDigests(entityId, query.since);
      const moved = new Set([
        ...digests.digests
          .filter((d) => d.number > (query.since ?? 0))
          .flatMap((d) => d.heads.map((h) => h.aggregate)),
        ...(await pendingHeadsOf(entityId)).map((h) => `${h.aggregateType}#${h.aggregateId}`),
      ]);
      const located = [...moved].map((aggregate) => {
        const [type, ...id] = aggregate.split('#');
        return { aggregateType: type as string, aggregateId: id.join('#') } as AuditItem;
      });
      return verified(`entity ${entityId} since digest ${query.since}`, entityId, await verifyAll(located), {
        only: true,
        since: query.since,
        digests,
      });
    }
    return verifyEntity(entityId);
  },

  tenderHistory: async ({ principal, params, query }) => {
    const tender = await loadTender(principal, params.tenderId, 'audit:read');
    const events = await historyEvents(`TENDER#${tender.id}`);
    const rows = [
      // Until the opening the entity reads that bids came in, not whose (functions/domain/sealing.ts).
      ...auditRows(biddersSealed(tender) ? events.map(sealedEvent) : events),
      ...(await workflowRows(tender.executionArn ? [tender.executionArn] : [])),
    ];
    return timeline(`tender ${tender.id}`, rows, query);
  },

  supplierRegisterHistory: async ({ query }) => {
    const { supplierId, ...filters } = query;
    const events = (await supplierRegisterEvents(supplierId)).filter((e) => e.aggregateType === 'supplier');
    return timeline(supplierId ? `supplier ${supplierId}` : 'supplier register', auditRows(events), filters);
  },

  entityTimeline: async ({ principal, query }) => {
    const entityId = principal.entityId as string;
    const page = await listIndexPage<AuditItem>('GSI1', `ENTITY#${entityId}#AUDIT`, {
      limit: query.limit ?? 50,
      cursor: query.cursor,
      newestFirst: true,
    });
    const sealed = await sealedTenders(page.items);
    const events = page.items.map((e) => (e.itemPK && sealed.has(e.itemPK) ? sealedEvent(e) : e));
    return {
      body: {
        scope: `entity ${entityId}`,
        items: auditRows(events),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },

  auditExport: async ({ principal, query }) => {
    const entityId = principal.entityId as string;
    const page = await listIndexPage<AuditItem>('GSI1', `ENTITY#${entityId}#AUDIT`, {
      limit: query.limit ?? 1000,
      cursor: query.cursor,
    });
    const sealed = await sealedTenders(page.items);
    const withheld = new Map<string, string>();
    const events: Record<string, unknown>[] = [];
    for (const e of page.items) {
      const aggregate = `${e.aggregateType}#${e.aggregateId}`;
      if (e.itemPK && sealed.has(e.itemPK) && sealedEvent(e) !== e) {
        withheld.set(aggregate, `sealed until the opening of tender ${e.itemPK.slice('TENDER#'.length)}`);
        continue;
      }
      // As stored, but for the index keys: the verifier reads the sequence key (SK) and the event.
      const {
        PK: _pk,
        GSI1PK: _g1,
        GSI1SK: _s1,
        GSI2PK: _g2,
        GSI2SK: _s2,
        ...event
      } = e as Record<string, unknown>;
      events.push(event);
    }
    return {
      body: {
        scope: entityId,
        exportedAt: nowIso(),
        events,
        withheld: [...withheld].map(([aggregate, reason]) => ({ aggregate, reason })),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },

  riskFlags: async ({ principal }) => {
    const entityId = principal.entityId as string;
    const tenders: TenderItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await listEntityTenders(entityId, 100, cursor);
      tenders.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const bids = (await Promise.all(tenders.filter((t) => t.openedAt).map((t) => listBids(t.id)))).flat();
    // The rules read the tenders' own chains (deadline extensions, material changes, award decisions
    // and withdrawals): the entity's tenders, not its whole audit index (every bid, agreement and
    // year since the start), which grows without bound and once stopped short at 20 000 events.
    const actions = new Set<string>(RISK_EVENT_ACTIONS);
    const events: AuditItem[] = [];
    for (let i = 0; i < tenders.length; i += CHAINS_AT_ONCE)
      for (const chain of await Promise.all(
        tenders.slice(i, i + CHAINS_AT_ONCE).map((t) => aggregateEvents('tender', t.id)),
      ))
        events.push(...(chain as AuditItem[]).filter((e) => actions.has(e.action)));
    const agreements = await allAgreements({ entityId });
    const years = (await Promise.all(agreements.map((a) => listYears(a.id)))).flat();
    const amendments = (await Promise.all(years.map((y) => listAmendments(y.agreementId, y.year)))).flat();
    const items = riskFlags({ tenders, bids, events, agreements, years, amendments }, now());
    return { body: { rules: riskRules, items } };
  },

  referenceHistory: async ({ principal, query }) => {
    const entityId = principal.entityId as string;
    const events = (await historyEvents('REFERENCE')).filter((e) => e.entityId === entityId);
    return timeline(`reference data of ${entityId}`, auditRows(events), query);
  },

  agreementHistory: async ({ principal, params, query }) => {
    const agreement = await loadAgreement(principal, params.agreementId);
    const events = await historyEvents(`AGREEMENT#${agreement.id}`);
    const arns = events.map((e) => e.executionArn).filter((a): a is string => typeof a === 'string');
    for (const y of await listYears(agreement.id))
      if (typeof y.executionArn === 'string') arns.push(y.executionArn);
    const rows = [
      ...auditRows(events),
      ...(await workflowRows(
        arns.filter((a) => a.includes(':annualRenegotiation:') || a.includes('Renegotiation')),
      )),
    ];
    return timeline(`agreement ${agreement.id}`, rows, query);
  },
});

/** Everything the OCDS publication of one tender's contracting process is built from. */
const processData = async (tender: TenderItem, baseUrl: string): Promise<ProcessData> => {
  const events = [...(await historyEvents(`TENDER#${tender.id}`))];
  const agreementIds = (tender.award?.lots ?? []).flatMap((l) =>
    l.winners.map((w) => agreementIdFor(tender.id, l.lotId, w.supplierId)),
  );
  const agreements = (await Promise.all(agreementIds.map((id) => getAgreement(id)))).filter(
    (a): a is AgreementItem => !!a,
  );
  const years: ProcessData['years'] = [];
  for (const a of agreements) {
    events.push(...(await historyEvents(`AGREEMENT#${a.id}`)));
    for (const y of await listYears(a.id))
      years.push({ ...y, amendments: await listAmendments(a.id, y.year) });
  }
  const bids = await listBids(tender.id);
  const supplierIds = new Set([...bids.map((b) => b.supplierId), ...agreements.map((a) => a.supplierId)]);
  const supplierNames: Record<string, string> = {};
  for (const id of supplierIds) supplierNames[id] = (await getSupplier(id))?.name ?? id;
  return {
    tender,
    entityName: entityById(tender.entityId)?.name ?? tender.entityId,
    events,
    bids,
    supplierNames,
    agreements,
    years,
    baseUrl,
    names: await loadReferenceCatalogue(),
  };
};

const baseUrlOf = publicationBaseUrl;

const allReleases = (d: ProcessData) => [
  ...processReleases(d),
  ...d.years.flatMap((y) => {
    const a = d.agreements.find((x) => x.id === y.agreementId) as AgreementItem;
    return callOffReleases(
      ocidFor(d.tender.id),
      a,
      y,
      d.entityName,
      d.supplierNames[a.supplierId] ?? a.supplierId,
    );
  }),
];

export const ocdsHandlers = {
  tenderOcds: async ({
    principal,
    params,
    headers,
  }: {
    principal: Principal;
    params: { tenderId: string };
    headers: Record<string, string | undefined>;
  }) => {
    const tender = await loadTender(principal, params.tenderId, 'ocds:read');
    if (tender.status === 'draft') throw notFound('Tender', tender.id);
    const d = await processData(tender, baseUrlOf(headers));
    const uri = `${d.baseUrl}/tenders/${tender.id}/ocds`;
    return { body: releasePackage(allReleases(d), uri, nowIso()), contentType: 'application/json' };
  },
  ocdsRecord: async ({
    principal,
    params,
    headers,
  }: {
    principal: Principal;
    params: { ocid: string };
    headers: Record<string, string | undefined>;
  }) => {
    const rest = params.ocid.slice(OCID_PREFIX.length + 1);
    const callOff = /^(agr_[0-9a-f]{32})-(\d{4})$/.exec(rest);
    const agreement = callOff ? await getAgreement(callOff[1] as string) : undefined;
    const tenderId = callOff ? agreement?.tenderId : rest;
    if (!tenderId) throw notFound('OCDS record', params.ocid);
    const tender = await loadTender(principal, tenderId, 'ocds:read');
    if (tender.status === 'draft') throw notFound('OCDS record', params.ocid);
    const d = await processData(tender, baseUrlOf(headers));
    const releases = allReleases(d).filter((r) => r.ocid === params.ocid);
    if (!releases.length) throw notFound('OCDS record', params.ocid);
    const body = recordPackage(params.ocid, releases, `${d.baseUrl}/ocds/records/${params.ocid}`, nowIso());
    return { body: JSON.stringify(body), contentType: 'application/json' };
  },
};
