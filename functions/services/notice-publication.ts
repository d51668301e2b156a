/**
 * What Doffin says about a notice's newest version, recorded: accepted, rejected, published (with
 * Doffin's public id and TED's). One commit per change, audited and attributed: to the officer who
 * asked (POST …/notices/{noticeId}/status) or to the hourly check of notices awaiting publication
 * (functions/handlers/events/notice-watcher.ts). Nothing is written when nothing changed.
 */
import { type DoffinAnswer, noticeStatus } from '../adapters/doffin.ts';
import { commit, withoutKeys } from '../adapters/store.ts';
import type { Actor } from '../domain/actors.ts';
import { versionText } from '../domain/eforms/identity.ts';
import {
  lastVersion,
  type NoticeMessage,
  type NoticeRecord,
  type NoticeVersion,
  recordStatus,
} from '../domain/eforms/publication.ts';
import { nowIso } from '../shared/clock.ts';
import { type NoticeItem, noticeItem } from './store/notices.ts';

export const messagesOf = (answer: DoffinAnswer): NoticeMessage[] =>
  answer.messages.map((m) => ({
    severity: m.severity,
    text: m.text,
    ...(m.rule ? { rule: m.rule } : {}),
    ...(m.location ? { location: m.location } : {}),
  }));

/** Asks Doffin about the newest version and records what changed: the notice as stored now, or undefined when nothing changed. */
export const recordDoffinStatus = async (
  item: NoticeItem,
  actor: Actor,
  reason: string,
): Promise<NoticeItem | undefined> => {
  const last = lastVersion(item);
  if (!last) return undefined;
  const answer = await noticeStatus(item.noticeId, versionText(last.version));
  const at = nowIso();
  const changed = recordStatus(
    withoutKeys(item) as NoticeRecord,
    {
      status: answer.status,
      messages: messagesOf(answer),
      ...(answer.publicationId ? { publicationId: answer.publicationId } : {}),
      ...(answer.publishedAt ? { publishedAt: answer.publishedAt } : {}),
      ...(answer.tedPublicationId ? { tedPublicationId: answer.tedPublicationId } : {}),
    },
    at,
  );
  if (!changed) return undefined;
  const now = lastVersion(changed) as NoticeVersion;
  const { item: stored } = await commit({
    aggregate: { type: 'notice', id: item.noticeId },
    entityId: item.entityId,
    before: item,
    after: noticeItem(changed),
    actor,
    action: `notice.${now.status}`,
    reason,
    change: {
      tenderId: item.tenderId,
      version: now.version,
      status: { from: last.status, to: now.status },
      ...(now.publicationId ? { publicationId: now.publicationId, publishedAt: now.publishedAt } : {}),
      ...(now.tedPublicationId ? { tedPublicationId: now.tedPublicationId } : {}),
    },
    at,
  });
  return stored as NoticeItem;
};
