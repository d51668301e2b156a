/**
 * The notices' storage, in the tender's partition: one item per notice (its versions, what Doffin
 * answered), one item per submitted version with the XML exactly as it was sent (auditors read what
 * was published), and the entity's notice settings beside its other settings.
 */
import { getItem, type Keyed, type Versioned } from '../../adapters/store.ts';
import { versionText } from '../../domain/eforms/identity.ts';
import type { NoticeRecord, NoticeSettings } from '../../domain/eforms/publication.ts';
import { lastVersion } from '../../domain/eforms/publication.ts';
import { queryPage } from './query.ts';
import { queryTenderPartition } from './tenders.ts';

export type NoticeItem = NoticeRecord & Versioned & { GSI2PK?: string; GSI2SK?: string };
export type NoticeXmlItem = Keyed & { noticeId: string; version: number; xml: string; submittedAt: string };
export type NoticeSettingsItem = NoticeSettings & Versioned & { entityId: string };

export const noticeKey = (tenderId: string, noticeId: string): Keyed => ({
  PK: `TENDER#${tenderId}`,
  SK: `NOTICE#${noticeId}`,
});

export const noticeXmlKey = (tenderId: string, noticeId: string, version: number): Keyed => ({
  PK: `TENDER#${tenderId}`,
  SK: `NOTICEXML#${noticeId}#${versionText(version)}`,
});

export const noticeSettingsKey = (entityId: string): Keyed => ({
  PK: `ENTITY#${entityId}`,
  SK: 'SETTINGS#notices',
});

/** Notices whose newest version Doffin has taken but not yet published: the hourly check reads them. */
export const AWAITING_PARTITION = 'NOTICES#AWAITING';

/**
 * A notice's item as stored: its record, and an entry in the index of notices awaiting publication
 * while its newest version is submitted or accepted (the item is written whole, so the entry goes
 * with the publication or a rejection).
 */
export const noticeItem = (
  record: NoticeRecord,
): Keyed & NoticeRecord & { GSI2PK?: string; GSI2SK?: string } => {
  const last = lastVersion(record);
  const awaiting = last?.status === 'submitted' || last?.status === 'accepted';
  return {
    ...noticeKey(record.tenderId, record.noticeId),
    ...record,
    ...(awaiting && last
      ? { GSI2PK: AWAITING_PARTITION, GSI2SK: `${last.submittedAt}#${record.tenderId}#${record.noticeId}` }
      : {}),
  };
};

/** The notices awaiting publication, oldest submission first (a page). */
export const listAwaitingNotices = async (limit = 100): Promise<NoticeItem[]> =>
  (
    await queryPage<NoticeItem>({
      IndexName: 'GSI2',
      KeyConditionExpression: 'GSI2PK = :pk',
      ExpressionAttributeValues: { ':pk': AWAITING_PARTITION },
      Limit: limit,
    })
  ).items;

export const getNotice = (tenderId: string, noticeId: string) =>
  getItem<NoticeItem>(noticeKey(tenderId, noticeId));

export const listNotices = (tenderId: string) => queryTenderPartition<NoticeItem>(tenderId, 'NOTICE#');

export const getNoticeXml = (tenderId: string, noticeId: string, version: number) =>
  getItem<NoticeXmlItem>(noticeXmlKey(tenderId, noticeId, version));

export const getNoticeSettings = (entityId: string) =>
  getItem<NoticeSettingsItem>(noticeSettingsKey(entityId));
