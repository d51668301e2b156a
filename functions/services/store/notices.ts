/**
 * The notices' storage, in the tender's partition: one item per notice (its versions, what Doffin
 * answered), one item per submitted version with the XML exactly as it was sent (auditors read what
 * was published), and the entity's notice settings beside its other settings.
 */
import { getItem, type Keyed, type Versioned } from '../../adapters/store.ts';
import type { NoticeRecord, NoticeSettings } from '../../domain/eforms/publication.ts';
import { queryTenderPartition } from './tenders.ts';

export type NoticeItem = NoticeRecord & Versioned;
export type NoticeXmlItem = Keyed & { noticeId: string; version: number; xml: string; submittedAt: string };
export type NoticeSettingsItem = NoticeSettings & Versioned & { entityId: string };

export const noticeKey = (tenderId: string, noticeId: string): Keyed => ({
  PK: `TENDER#${tenderId}`,
  SK: `NOTICE#${noticeId}`,
});

export const noticeXmlKey = (tenderId: string, noticeId: string, version: number): Keyed => ({
  PK: `TENDER#${tenderId}`,
  SK: `NOTICEXML#${noticeId}#${String(version).padStart(2, '0')}`,
});

export const noticeSettingsKey = (entityId: string): Keyed => ({
  PK: `ENTITY#${entityId}`,
  SK: 'SETTINGS#notices',
});

export const getNotice = (tenderId: string, noticeId: string) =>
  getItem<NoticeItem>(noticeKey(tenderId, noticeId));

export const listNotices = (tenderId: string) => queryTenderPartition<NoticeItem>(tenderId, 'NOTICE#');

export const getNoticeXml = (tenderId: string, noticeId: string, version: number) =>
  getItem<NoticeXmlItem>(noticeXmlKey(tenderId, noticeId, version));

export const getNoticeSettings = (entityId: string) =>
  getItem<NoticeSettingsItem>(noticeSettingsKey(entityId));
