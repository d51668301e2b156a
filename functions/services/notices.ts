/**
 * A tender's notices from the stored data: which are due (functions/domain/eforms/publication.ts),
 * and each one's XML as the product would submit it now (functions/domain/eforms/notices.ts). What
 * a notice needs that is not stored (a supplier's address, the entity's contact point, the review
 * body) makes it `incomplete`, with what is missing and where to add it, rather than an error.
 */
import { agreementIdFor } from '../domain/agreement.ts';
import {
  awardNotice,
  contractNotice,
  modificationNotice,
  type Notice,
  type NoticeSupplier,
  type Subtype,
} from '../domain/eforms/index.ts';
import {
  lastVersion,
  type NoticeRecord,
  type NoticeSettings,
  type NoticeStage,
  noticeContentHash,
  noticeIdFor,
  owesModificationNotice,
  regimeOf,
} from '../domain/eforms/publication.ts';
import type { Amendment, PerformanceYear } from '../domain/performance.ts';
import { entityById } from '../domain/reference-data.ts';
import type { ReferenceNames } from '../domain/reference-lookups.ts';
import type { Tender } from '../domain/tender.ts';
import { getAgreement, getYear, listAllAmendments } from './store/agreements.ts';
import { getNoticeSettings, listNotices, type NoticeItem } from './store/notices.ts';
import { loadReferenceCatalogue } from './store/reference.ts';
import { getSupplier } from './store/suppliers.ts';
import { listBids } from './store/tenders.ts';

/** The issue time a content hash is made with: the hash leaves it out, any fixed value does. */
const HASH_TIME = '2000-01-01T00:00:00.000Z';

/** One notice the tender owes (or will owe), with what it needs to be made. */
export interface DueNotice {
  noticeId: string;
  stage: NoticeStage;
  /** False for a notice whose stage has not come (the award notice before the standstill ends). */
  due: boolean;
  /** Why it is due, or when it will be. */
  when: string;
  agreementId?: string;
  amendmentId?: string;
  record?: NoticeItem;
  /** Makes the notice with an identity; throws (with what is missing) when it cannot be made. */
  make(version: number, issuedAt: string): Notice;
}

/** A due notice made now: its XML, or what is missing. */
export interface MadeNotice {
  notice?: Notice;
  contentHash?: string;
  missing?: string;
}

/** Makes a notice for the hash and the listing; what cannot be made says what is missing. */
export const tryMake = (due: DueNotice): MadeNotice => {
  try {
    const notice = due.make(1, HASH_TIME);
    return { notice, contentHash: noticeContentHash(notice.xml) };
  } catch (error) {
    return { missing: (error as Error).message };
  }
};

/** A bidder's notice details, or the error that says what the register lacks (or that it did not bid). */
const supplierOf = (
  suppliers: Map<string, PromiseSettledResult<NoticeSupplier>>,
  id: string,
): NoticeSupplier => {
  const settled = suppliers.get(id);
  if (!settled) throw new Error(`Supplier ${id} did not bid in the tender`);
  if (settled.status === 'rejected') throw settled.reason;
  return settled.value;
};

/** A supplier as notices name it, from the register; what the register lacks is an error saying where to add it. */
const noticeSupplier = async (supplierId: string): Promise<NoticeSupplier> => {
  const s = await getSupplier(supplierId);
  if (!s) throw new Error(`Supplier ${supplierId} is not in the supplier register`);
  const lacking = [
    s.organisationNumber ? undefined : 'organisationNumber',
    s.postalAddress ? undefined : 'postalAddress',
    s.size ? undefined : 'size',
  ].filter(Boolean);
  if (lacking.length || !s.organisationNumber || !s.postalAddress || !s.size)
    throw new Error(
      `Supplier ${supplierId} has no ${lacking.join(', ')} in the supplier register; an award notice names every bidder's size and the winners' registered details (PATCH /reference/suppliers/${supplierId})`,
    );
  return {
    id: s.id,
    name: s.name,
    organisationNumber: s.organisationNumber,
    country: s.country,
    address: s.postalAddress,
    size: s.size,
  };
};

const settingsOf = (settings: NoticeSettings | undefined, entityId: string): NoticeSettings => {
  if (!settings)
    throw new Error(
      `Entity ${entityId} has no notice settings: a notice gives the buyer's contact point (PUT /entities/${entityId}/notice-settings)`,
    );
  return settings;
};

/** The tender's notices: the contract notice, the award notice, and a modification notice per amendment that owes one. */
export const tenderNotices = async (tender: Tender): Promise<DueNotice[]> => {
  const [settings, names, records] = await Promise.all([
    getNoticeSettings(tender.entityId),
    loadReferenceCatalogue(),
    listNotices(tender.id),
  ]);
  const entity = entityById(tender.entityId);
  if (!entity) throw new Error(`Unknown procuring entity ${tender.entityId}`);
  const recordOf = (noticeId: string) => records.find((r) => r.noticeId === noticeId);
  const regime = regimeOf(tender, settings);
  const common = (s: NoticeSettings | undefined) => ({
    tender,
    entity,
    regime,
    names: names as ReferenceNames,
    contact: settingsOf(s, tender.entityId).contact,
  });
  const submissionUrl = settings?.submissionUrl ? `${settings.submissionUrl}${tender.id}` : undefined;

  const contractId = noticeIdFor(tender.id, 'contract');
  const notices: DueNotice[] = [
    {
      noticeId: contractId,
      stage: 'contract',
      due: tender.status !== 'cancelled' || Boolean(recordOf(contractId)),
      when: 'At the announcement (from the draft on)',
      ...(recordOf(contractId) ? { record: recordOf(contractId) } : {}),
      make: (version, issuedAt) =>
        contractNotice({
          ...common(settings),
          noticeId: contractId,
          version,
          issuedAt,
          ...(submissionUrl ? { submissionUrl } : {}),
        }),
    },
  ];

  const awardId = noticeIdFor(tender.id, 'award');
  const awarded =
    tender.status === 'complete' && Boolean(tender.award?.lots.some((l) => l.status === 'awarded'));
  const winners = (tender.award?.lots ?? []).flatMap((l) =>
    l.winners.map((w) => ({ lotId: l.lotId, supplierId: w.supplierId })),
  );
  const agreementIds = winners.map((w) => agreementIdFor(tender.id, w.lotId, w.supplierId));
  const awardInputs = async () => {
    const bids = await listBids(tender.id);
    const agreements = (await Promise.all(agreementIds.map((id) => getAgreement(id)))).filter(
      (a) => a !== undefined,
    );
    const bidders = [...new Set(bids.map((b) => b.supplierId))];
    const settled = await Promise.allSettled(bidders.map(noticeSupplier));
    // Every bidder's notice details, or why the register cannot give them.
    const suppliers = new Map(
      bidders.map((id, i) => [id, settled[i] as PromiseSettledResult<NoticeSupplier>]),
    );
    return { bids, agreements, suppliers };
  };
  const award = awarded ? await awardInputs() : undefined;
  notices.push({
    noticeId: awardId,
    stage: 'award',
    due: awarded,
    when: 'When the standstill has ended and the agreements exist',
    ...(recordOf(awardId) ? { record: recordOf(awardId) } : {}),
    make: (version, issuedAt) => {
      if (!award)
        throw new Error(
          `Tender ${tender.id} is ${tender.status}: the award notice comes after the standstill`,
        );
      return awardNotice({
        ...common(settings),
        noticeId: awardId,
        version,
        issuedAt,
        bids: award.bids,
        agreements: award.agreements,
        suppliers: [...award.suppliers.keys()].map((id) => supplierOf(award.suppliers, id)),
      });
    },
  });

  if (award) {
    const awardRecord = recordOf(awardId);
    for (const agreement of award.agreements) {
      // Every amendment of the agreement, read once: those that owe a notice, and each one's year's.
      const amendments = await listAllAmendments(agreement.id);
      const years = new Map<number, PerformanceYear | undefined>();
      for (const amendment of amendments.filter(owesModificationNotice)) {
        const noticeId = noticeIdFor(tender.id, 'modification', amendment.id);
        if (!years.has(amendment.year))
          years.set(amendment.year, await getYear(agreement.id, amendment.year));
        const year = years.get(amendment.year);
        const yearAmendments = amendments.filter((a) => a.year === amendment.year);
        notices.push({
          noticeId,
          stage: 'modification',
          due: true,
          when: `Amendment ${amendment.id} of agreement ${agreement.id} was confirmed ${amendment.confirmedAt ?? ''} under article 72 ${amendment.legalBasis}`,
          agreementId: agreement.id,
          amendmentId: amendment.id,
          ...(recordOf(noticeId) ? { record: recordOf(noticeId) } : {}),
          make: (version, issuedAt) => {
            const announced = awardRecord?.versions.filter(
              (v) => v.status === 'accepted' || v.status === 'published',
            );
            const awardVersion = announced?.at(-1);
            if (!awardVersion)
              throw new Error(
                `The award notice ${awardId} has not been accepted yet: a modification notice refers to the notice that announced the contract`,
              );
            if (!settings?.reviewBody)
              throw new Error(
                `Entity ${tender.entityId} has no review body in its notice settings: a modification notice names it (PUT /entities/${tender.entityId}/notice-settings)`,
              );
            if (!year)
              throw new Error(`Agreement ${agreement.id} has no ${amendment.year} performance agreement`);
            return modificationNotice({
              ...common(settings),
              noticeId,
              version,
              issuedAt,
              agreement,
              supplier: supplierOf(award.suppliers, agreement.supplierId),
              year,
              amendments: yearAmendments,
              amendment,
              reason: amendment.legalBasis as NonNullable<Amendment['legalBasis']>,
              awardNotice: { noticeId: awardId, version: awardVersion.version },
              reviewBody: settings.reviewBody,
            });
          },
        });
      }
    }
  }
  return notices;
};

/** What the list says about a notice: its state, versions and what is missing. */
export const noticeSummary = (due: DueNotice, made: MadeNotice, state: string) => {
  const record: NoticeRecord | undefined = due.record;
  const last = lastVersion(record);
  return {
    noticeId: due.noticeId,
    stage: due.stage,
    subtype: (made.notice?.subtype ?? record?.subtype) as Subtype | undefined,
    state,
    when: due.when,
    ...(due.agreementId ? { agreementId: due.agreementId, amendmentId: due.amendmentId } : {}),
    ...(made.missing && due.due ? { missing: made.missing } : {}),
    ...(last ? { version: last.version } : {}),
    ...(last?.publicationId ? { publicationId: last.publicationId } : {}),
    versions: record?.versions ?? [],
  };
};
