/** HTTP handler for the auditors' routes (functions/http/routes/audit.routes.ts). */

import { readExecution } from '../../adapters/step-functions.ts';
import type { Principal } from '../../domain/actors.ts';
import { agreementIdFor } from '../../domain/agreement.ts';
import { type Finding, type StoredEvent, verifyChain } from '../../domain/audit.ts';
import { callOffReleases } from '../../domain/ocds/call-offs.ts';
import {
  OCID_PREFIX,
  publicationBaseUrl,
  recordPackage,
  releasePackage,
} from '../../domain/ocds/packages.ts';
import { ocidFor, type ProcessData, processReleases } from '../../domain/ocds/process.ts';
import { entityById } from '../../domain/reference-data.ts';
import { biddersSealed, sealedEvent } from '../../domain/sealing.ts';
import { authorize } from '../../http/auth.ts';
import { notFound } from '../../http/errors.ts';
import { type HttpResult, httpHandler } from '../../http/http.ts';
import { auditRoutes } from '../../http/routes/audit.routes.ts';
import {
  type AgreementItem,
  getAgreement,
  listAmendments,
  listYears,
} from '../../services/store/agreements.ts';
import {
  type AuditItem,
  aggregateEvents,
  aggregateItems,
  entityEvents,
  historyEvents,
  supplierRegisterEvents,
  supplierRegisterItems,
} from '../../services/store/audit.ts';
import { queryAll } from '../../services/store/query.ts';
import { loadReferenceCatalogue } from '../../services/store/reference.ts';
import { getSupplier } from '../../services/store/suppliers.ts';
import { listBids, type TenderItem } from '../../services/store/tenders.ts';
import { nowIso } from '../../shared/clock.ts';
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

/** Verifies every aggregate the events name (re-reading each chain whole) and every aggregate found. */
const verifyAll = async (
  discovered: AuditItem[],
  partitionItems: Awaited<ReturnType<typeof partitionAggregates>> = [],
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
  let events = 0;
  const located = [...aggregates.values()].filter((a) => a.itemPK && a.itemSK) as {
    itemPK: string;
    itemSK: string;
  }[];
  const items = await aggregateItems(located.map((a) => ({ PK: a.itemPK, SK: a.itemSK })));
  const covered = new Set<string>();
  for (const a of aggregates.values()) {
    const chain = (await aggregateEvents(a.type, a.id)) as StoredEvent[];
    events += chain.length;
    const where = a.itemPK ? `${a.itemPK}|${a.itemSK}` : undefined;
    if (where) covered.add(where);
    findings.push(...verifyChain(chain, where ? (items.get(where) ?? {}) : undefined));
  }
  for (const item of partitionItems) {
    if (covered.has(`${item.PK}|${item.SK}`)) continue;
    findings.push({
      kind: 'aggregate-mismatch',
      aggregate: `${item.PK} ${item.SK}`,
      seq: item.version ?? 0,
      detail: `The aggregate is at version ${item.version} but none of its events can be found`,
    });
  }
  return { aggregates: aggregates.size, events, findings };
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
      const result = await verifyAll(events, items);
      return { body: { scope: 'supplier register', ok: result.findings.length === 0, ...result } };
    }
    if (query.tenderId) {
      const tender = await loadTender(principal, query.tenderId, 'audit:read');
      const pk = `TENDER#${tender.id}`;
      const result = await verifyAll(await historyEvents(pk), await partitionAggregates(pk));
      return { body: { scope: `tender ${tender.id}`, ok: result.findings.length === 0, ...result } };
    }
    if (query.agreementId) {
      const agreement = await loadAgreement(principal, query.agreementId);
      const pk = `AGREEMENT#${agreement.id}`;
      const result = await verifyAll(await historyEvents(pk), await partitionAggregates(pk));
      return { body: { scope: `agreement ${agreement.id}`, ok: result.findings.length === 0, ...result } };
    }
    const entityId = principal.entityId as string;
    const result = await verifyAll(await entityEvents(entityId));
    return { body: { scope: `entity ${entityId}`, ok: result.findings.length === 0, ...result } };
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
