/**
 * HTTP handler for a tender's eForms notices and the entity's notice settings
 * (functions/http/routes/notices.routes.ts): which notices are due and their state, a notice's XML,
 * its submission to Doffin through the one port (functions/adapters/doffin.ts) after the XSD check,
 * and what Doffin later says about it. Every submission and publication is one commit: the notice's
 * record, the XML as sent, and the audit event.
 */

import { type DoffinAnswer, DoffinError, submitNotice } from '../../adapters/doffin.ts';
import { schemaErrors } from '../../adapters/notice-schema.ts';
import { commit, getItem, tableName, withoutKeys } from '../../adapters/store.ts';
import type { Principal } from '../../domain/actors.ts';
import { procedureIdFor, versionText } from '../../domain/eforms/identity.ts';
import {
  lastVersion,
  type NoticeVersion,
  nextVersion,
  noticeState,
  recordSubmission,
  versionFor,
} from '../../domain/eforms/publication.ts';
import { authorize } from '../../http/auth.ts';
import { notFound, Problem, stateProblem } from '../../http/errors.ts';
import { httpHandler } from '../../http/http.ts';
import { noticeRoutes } from '../../http/routes/notices.routes.ts';
import { messagesOf, recordDoffinStatus } from '../../services/notice-publication.ts';
import type { DueNotice, MadeNotice } from '../../services/notices.ts';
import {
  getNoticeXml,
  type NoticeItem,
  type NoticeSettingsItem,
  noticeItem,
  noticeSettingsKey,
  noticeXmlKey,
} from '../../services/store/notices.ts';
import type { TenderItem } from '../../services/store/tenders.ts';
import { nowIso } from '../../shared/clock.ts';
import { loadTender } from './tender-access.ts';

const entity = (entityId: string) => ({ kind: 'Entity', id: entityId, entityId, public: false });

/**
 * The notice makers (the eForms builders and xmlbuilder2, most of this function's code), loaded by
 * the first request that makes a notice: the settings routes never pay for them, and the function's
 * initialisation neither (bench/cold-start.ts).
 */
type Makers = typeof import('../../services/notices.ts');
let makers: Promise<Makers> | undefined;
const notices = (): Promise<Makers> => {
  makers ??= import('../../services/notices.ts');
  return makers;
};

const findNotice = async (tender: TenderItem, noticeId: string): Promise<DueNotice> => {
  const { tenderNotices } = await notices();
  const due = (await tenderNotices(tender)).find((n) => n.noticeId === noticeId);
  if (!due) throw notFound(`Notice of tender ${tender.id}`, noticeId);
  return due;
};

/** A notice's summary; `made` when the caller has just made it (a notice is not made twice). */
const summaryOf = async (due: DueNotice, made?: MadeNotice) => {
  const { noticeSummary, tryMake } = await notices();
  made ??= due.due ? tryMake(due) : {};
  const state = due.due ? noticeState(due.record, made.contentHash) : 'not-due';
  return noticeSummary(due, made, state);
};

const madeNow = async (due: DueNotice) => (await notices()).tryMake(due);

/** Doffin's refusal of the call itself, as a problem: never a 500. */
const doffinProblem = (error: DoffinError): Problem => {
  if (error.code === 'conflict' || error.code === 'not-found') return stateProblem(error.message);
  return new Problem(
    502,
    'doffin-refused',
    'Doffin refused the call',
    `${error.message} (${error.code}); nothing was recorded. Operators: check the Doffin secret and subscription`,
  );
};

const askDoffin = async <T>(call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DoffinError) throw doffinProblem(error);
    throw error;
  }
};

const statusOf = (answer: DoffinAnswer): NoticeVersion['status'] =>
  answer.status === 'published' ? 'published' : answer.status;

const by = (p: Principal) => ({ sub: p.sub, name: p.name });

export const handler = httpHandler(noticeRoutes, {
  listNotices: async ({ principal, params }) => {
    const tender = await loadTender(principal, params.tenderId, 'notice:read');
    const due = await (await notices()).tenderNotices(tender);
    return {
      body: {
        tenderId: tender.id,
        procedureId: procedureIdFor(tender.id),
        items: await Promise.all(due.map((d) => summaryOf(d))),
      },
    };
  },

  getNotice: async ({ principal, params, query }) => {
    const tender = await loadTender(principal, params.tenderId, 'notice:read');
    const due = await findNotice(tender, params.noticeId);
    if (query.version !== undefined) {
      const sent = await getNoticeXml(tender.id, due.noticeId, query.version);
      if (!sent) throw notFound(`Version ${query.version} of notice`, due.noticeId);
      return { body: sent.xml, contentType: 'application/xml' };
    }
    if (!due.due) throw stateProblem(`Notice ${due.noticeId} is not due yet: ${due.when}`);
    const made = await madeNow(due);
    if (!made.contentHash) throw stateProblem(`Notice ${due.noticeId} cannot be made yet: ${made.missing}`);
    // As it would be submitted: the newest version's number while it still says the same.
    const version = versionFor(due.record, made.contentHash);
    return { body: due.make(version, nowIso()).xml, contentType: 'application/xml' };
  },

  submitNotice: async ({ principal, params }) => {
    const tender = await loadTender(principal, params.tenderId, 'notice:submit');
    const due = await findNotice(tender, params.noticeId);
    if (!due.due) throw stateProblem(`Notice ${due.noticeId} is not due yet: ${due.when}`);
    const made = await madeNow(due);
    if (!made.contentHash || !made.notice)
      throw stateProblem(`Notice ${due.noticeId} cannot be made yet: ${made.missing}`);
    const version = nextVersion(due.record, made.contentHash);
    const at = nowIso();
    const notice = due.make(version, at);
    const invalid = await schemaErrors(notice.xml);
    if (invalid.length)
      throw new Problem(
        422,
        'notice-invalid',
        'The notice does not meet the eForms schema',
        `Notice ${notice.noticeId} version ${version} breaks the eForms XSD (SDK 1.15) in ${invalid.length} place(s); nothing was sent to Doffin`,
        invalid.slice(0, 20).map((e) => ({ detail: e.line ? `line ${e.line}: ${e.message}` : e.message })),
      );
    const answer = await askDoffin(() =>
      submitNotice({
        noticeId: notice.noticeId,
        version: versionText(version),
        subtype: notice.subtype,
        xml: notice.xml,
      }),
    );
    const submitted: NoticeVersion = {
      version,
      status: statusOf(answer),
      // What it says: the hash of the notice made with a fixed identity, as the listing makes it.
      contentHash: made.contentHash,
      tenderVersion: tender.version,
      submittedAt: at,
      submittedBy: by(principal),
      messages: messagesOf(answer),
      ...(answer.publicationId ? { publicationId: answer.publicationId } : {}),
      ...(answer.publishedAt ? { publishedAt: answer.publishedAt } : {}),
    };
    const record = recordSubmission(
      due.record ? withoutKeys(due.record) : undefined,
      {
        noticeId: notice.noticeId,
        tenderId: tender.id,
        entityId: tender.entityId,
        stage: due.stage,
        subtype: notice.subtype,
        ...(due.agreementId ? { agreementId: due.agreementId } : {}),
        ...(due.amendmentId ? { amendmentId: due.amendmentId } : {}),
      },
      submitted,
    );
    const { item } = await commit({
      aggregate: { type: 'notice', id: notice.noticeId },
      entityId: tender.entityId,
      before: due.record,
      after: noticeItem(record),
      actor: principal,
      action: submitted.status === 'rejected' ? 'notice.rejected' : 'notice.submitted',
      change: {
        tenderId: tender.id,
        stage: due.stage,
        subtype: notice.subtype,
        version,
        status: submitted.status,
        messages: submitted.messages.length,
        ...(submitted.publicationId ? { publicationId: submitted.publicationId } : {}),
      },
      extra: [
        {
          Put: {
            TableName: tableName(),
            ConditionExpression: 'attribute_not_exists(PK) OR #s = :rejected',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':rejected': 'rejected' },
            Item: {
              ...noticeXmlKey(tender.id, notice.noticeId, version),
              noticeId: notice.noticeId,
              version,
              xml: notice.xml,
              submittedAt: at,
              status: submitted.status,
            },
          },
        },
      ],
      at,
    });
    const summary = await summaryOf({ ...due, record: item as NoticeItem }, made);
    if (submitted.status === 'rejected')
      throw new Problem(
        422,
        'notice-rejected',
        'Doffin rejected the notice',
        `Doffin rejected version ${version} of notice ${notice.noticeId}; the rejection is recorded. Correct what the messages say and submit again (it goes as version ${version} again)`,
        submitted.messages
          .filter((m) => m.severity === 'error')
          .slice(0, 20)
          .map((m) => ({
            detail: `${m.rule ? `${m.rule}: ` : ''}${m.text}${m.location ? ` (at ${m.location})` : ''}`,
          })),
        { notice: summary },
      );
    return { body: summary };
  },

  refreshNotice: async ({ principal, params }) => {
    const tender = await loadTender(principal, params.tenderId, 'notice:submit');
    const due = await findNotice(tender, params.noticeId);
    if (!due.record || !lastVersion(due.record))
      throw stateProblem(`Notice ${due.noticeId} has not been submitted`);
    const record = due.record;
    const stored = await askDoffin(() => recordDoffinStatus(record, principal, 'Doffin said so when asked'));
    return { body: await summaryOf(stored ? { ...due, record: stored } : due) };
  },

  getNoticeSettings: async ({ principal, params }) => {
    authorize(principal, 'settings:read', entity(params.entityId));
    const settings = await getItem<NoticeSettingsItem>(noticeSettingsKey(params.entityId));
    if (!settings) throw notFound('Notice settings of entity', params.entityId);
    return { body: withoutKeys(settings) };
  },

  putNoticeSettings: async ({ principal, params, body }) => {
    authorize(principal, 'settings:update', entity(params.entityId));
    const before = await getItem<NoticeSettingsItem>(noticeSettingsKey(params.entityId));
    const { version, ...settings } = body;
    const { item } = await commit({
      aggregate: { type: 'settings', id: `${params.entityId}:notices` },
      entityId: params.entityId,
      before: before ? { ...before, version: version ?? 0 } : undefined,
      after: { ...noticeSettingsKey(params.entityId), entityId: params.entityId, ...settings },
      actor: principal,
      action: 'settings.notices-updated',
      change: settings,
    });
    return { body: withoutKeys(item as NoticeSettingsItem) };
  },
});
