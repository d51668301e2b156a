/**
 * The publication of a procedure's notices: which notices a tender owes at which stage, the state of
 * each (made, submitted, accepted, rejected, published, changed since), the version the next
 * submission carries, and the announcement's gate on an accepted contract notice. Pure: the store
 * keeps a `NoticeRecord` per notice, the Doffin port answers, the handler decides with these.
 *
 * - The contract notice (20, or E3 below the thresholds) is due from the draft on: an officer may
 *   have it accepted before announcing (`requireAcceptedNotice` on the tender).
 * - The award notice (33, or E4) is due when the standstill has ended and the agreements exist.
 * - A modification notice (38) is due for each confirmed amendment whose legal basis (article 72 of
 *   directive 2014/24/EU) asks for one: 72(1)(b) and (c).
 * A notice keeps its id for life (derived from the tender, the stage and the amendment, so nothing
 * has to be stored to find it); a change of a published notice is submitted as its next version.
 */

import { sha256 } from '../../shared/canonical.ts';
import type { Amendment } from '../performance.ts';
import { refuseState } from '../refusal.ts';
import type { Tender } from '../tender.ts';
import { type NoticeStage, noticeIdFor } from './identity.ts';
import { type ModificationReason, modificationNoticeRequired } from './legal-basis.ts';
import type { Subtype } from './notices.ts';
import type { NoticeOrganisation } from './terms.ts';

/** What Doffin said about one submitted version. */
export interface NoticeMessage {
  severity: 'error' | 'warning';
  rule?: string;
  text: string;
  location?: string;
}

/** One version of a notice as it was submitted, and what became of it. */
export interface NoticeVersion {
  version: number;
  status: 'submitted' | 'accepted' | 'rejected' | 'published';
  /** SHA-256 of the notice's XML without its issue date, time and version: what it says. */
  contentHash: string;
  /** The tender's version the notice was made from (the announcement's gate compares it). */
  tenderVersion: number;
  submittedAt: string;
  submittedBy: { sub: string; name: string };
  messages: NoticeMessage[];
  publicationId?: string;
  publishedAt?: string;
  tedPublicationId?: string;
}

/** A notice of a tender, as the store keeps it once it has been submitted. */
export interface NoticeRecord {
  noticeId: string;
  tenderId: string;
  entityId: string;
  stage: NoticeStage;
  subtype: Subtype;
  agreementId?: string;
  amendmentId?: string;
  versions: NoticeVersion[];
  createdAt: string;
  updatedAt: string;
}

/**
 * A notice's state: `not-due` (its stage has not come), `incomplete` (data it needs is missing:
 * `missing` says what and where to add it), `ready` (never submitted), `submitted`, `accepted`
 * (valid, waiting to be published), `rejected` (see the messages), `published`, `changed` (the
 * product's data no longer says what the last submitted version says: submit the next version).
 */
export type NoticeState =
  | 'not-due'
  | 'incomplete'
  | 'ready'
  | 'submitted'
  | 'accepted'
  | 'rejected'
  | 'published'
  | 'changed';

/**
 * The content hash of a notice: its XML with the header's issue date and time and the version left
 * out. Callers hash a notice made with one fixed identity (version 1, a fixed time), so that what
 * is compared is what the notice says; the stripping is a second guard (an award notice has other
 * `cbc:IssueDate`s, the contracts', before its header's).
 */
export const noticeContentHash = (xml: string): string =>
  sha256(
    xml
      .replace(/<cbc:IssueDate>[^<]*<\/cbc:IssueDate>/, '')
      .replace(/<cbc:IssueTime>[^<]*<\/cbc:IssueTime>/, '')
      .replace(/<cbc:VersionID>[^<]*<\/cbc:VersionID>/, ''),
  );

export const lastVersion = (record: NoticeRecord | undefined): NoticeVersion | undefined =>
  record?.versions.at(-1);

/** The state of a due notice, from its record and the hash of what the product would submit now. */
export const noticeState = (
  record: NoticeRecord | undefined,
  contentHash: string | undefined,
): NoticeState => {
  const last = lastVersion(record);
  if (!last) return contentHash ? 'ready' : 'incomplete';
  if (last.status === 'rejected') return 'rejected';
  if (contentHash && last.contentHash !== contentHash) return 'changed';
  return last.status;
};

/**
 * The version a notice saying what `contentHash` says would carry, refusing nothing (to show it): 1
 * for the first; the same number again after a rejection or while it says what the newest version
 * says; the next number for a change.
 */
export const versionFor = (record: NoticeRecord | undefined, contentHash: string): number => {
  const last = lastVersion(record);
  if (!last) return 1;
  return last.status === 'rejected' || last.contentHash === contentHash ? last.version : last.version + 1;
};

/**
 * The version the next submission carries: 1 for the first; the same number again after a
 * rejection (Doffin took nothing); the next number for a change of a published notice. Refused when
 * there is nothing new to submit, or when the last version still waits to be published (Doffin
 * takes no new version until then).
 */
export const nextVersion = (record: NoticeRecord | undefined, contentHash: string): number => {
  const last = lastVersion(record);
  if (!last) return 1;
  if (last.status === 'rejected') return last.version;
  if (last.contentHash === contentHash)
    throw refuseState(
      `Version ${last.version} of notice ${record?.noticeId} says this already (${last.status}); there is nothing new to submit`,
    );
  if (last.status !== 'published')
    throw refuseState(
      `Version ${last.version} of notice ${record?.noticeId} is ${last.status} and not yet published; Doffin takes the changed notice as version ${last.version + 1} once it is (ask for its status with POST …/status)`,
    );
  if (last.version >= 99)
    throw refuseState(`Notice ${record?.noticeId} has had 99 versions, the most eForms allows`);
  return versionFor(record, contentHash);
};

/** A submission's answer recorded as the notice's newest version (a rejected one's retry replaces it). */
export const recordSubmission = (
  record: NoticeRecord | undefined,
  notice: Omit<NoticeRecord, 'versions' | 'createdAt' | 'updatedAt'>,
  version: NoticeVersion,
): NoticeRecord => {
  const kept = (record?.versions ?? []).filter((v) => v.version !== version.version);
  return {
    ...notice,
    ...(record ? { createdAt: record.createdAt } : { createdAt: version.submittedAt }),
    versions: [...kept, version],
    updatedAt: version.submittedAt,
  };
};

/** Doffin's later answer about the newest version (accepted, rejected, published): the record changed, or undefined when nothing changed. */
export const recordStatus = (
  record: NoticeRecord,
  answer: Pick<NoticeVersion, 'status' | 'messages' | 'publicationId' | 'publishedAt' | 'tedPublicationId'>,
  at: string,
): NoticeRecord | undefined => {
  const last = lastVersion(record);
  if (!last) return undefined;
  const next: NoticeVersion = {
    ...last,
    status: answer.status,
    ...(answer.messages.length ? { messages: answer.messages } : {}),
    ...(answer.publicationId ? { publicationId: answer.publicationId } : {}),
    ...(answer.publishedAt ? { publishedAt: answer.publishedAt } : {}),
    ...(answer.tedPublicationId ? { tedPublicationId: answer.tedPublicationId } : {}),
  };
  if (JSON.stringify(next) === JSON.stringify(last)) return undefined;
  return { ...record, versions: [...record.versions.slice(0, -1), next], updatedAt: at };
};

/**
 * The announcement's gate: a tender that requires it is announced only once Doffin has accepted
 * (or published) its contract notice made from the tender as it is now.
 */
export const assertContractNoticeAccepted = (
  tender: Pick<Tender, 'id' | 'version' | 'requireAcceptedNotice'>,
  record: NoticeRecord | undefined,
): void => {
  if (!tender.requireAcceptedNotice) return;
  const ok = record?.versions.some(
    (v) => (v.status === 'accepted' || v.status === 'published') && v.tenderVersion === tender.version,
  );
  if (ok) return;
  const last = lastVersion(record);
  throw refuseState(
    !last
      ? `Tender ${tender.id} is announced only once Doffin has accepted its contract notice, which has not been submitted (POST /tenders/${tender.id}/notices/${noticeIdFor(tender.id, 'contract')}/submit)`
      : last.tenderVersion !== tender.version
        ? `Tender ${tender.id} changed (version ${tender.version}) after its contract notice was submitted (made from version ${last.tenderVersion}); submit the notice again before announcing`
        : `Tender ${tender.id} is announced only once Doffin has accepted its contract notice; version ${last.version} is ${last.status}`,
  );
};

/** Whether an amendment owes a modification notice: confirmed, with a legal basis that asks for one. */
export const owesModificationNotice = (a: Pick<Amendment, 'status' | 'legalBasis'>): boolean =>
  a.status === 'confirmed' && a.legalBasis !== undefined && modificationNoticeRequired(a.legalBasis);

/** What an entity configures for its notices (PUT /entities/{entityId}/notice-settings). */
export interface NoticeSettings {
  /** The buyer's contact point (BT-506, BT-503, BT-505). */
  contact: { email: string; telephone: string; website?: string };
  /** The review body (OPT-301-Lot-ReviewOrg): the complaints board of the entity's country. */
  reviewBody?: NoticeOrganisation;
  /**
   * Where suppliers find the tender and submit bids (BT-18-Lot): the tender's id is appended
   * (`https://anbud.example.no/tenders/` → `…/tenders/tnd_…`). Required below the thresholds (E3).
   */
  submissionUrl?: string;
  /**
   * The light regime's EU threshold in the entity's currency, as in force: a tender estimated below
   * it is announced with the national forms (E3, E4), at or above it with 20 and 33. Unset: every
   * tender uses the EU forms.
   */
  lightRegimeThreshold?: number;
}

/** The forms a tender is announced with: national below the light regime's threshold, EU otherwise. */
export const regimeOf = (
  tender: Pick<Tender, 'estimatedValue'>,
  settings: Pick<NoticeSettings, 'lightRegimeThreshold'> | undefined,
): 'eu' | 'national' =>
  settings?.lightRegimeThreshold !== undefined &&
  tender.estimatedValue !== undefined &&
  tender.estimatedValue.amount < settings.lightRegimeThreshold
    ? 'national'
    : 'eu';

export type { ModificationReason };
export { type NoticeStage, noticeIdFor };
