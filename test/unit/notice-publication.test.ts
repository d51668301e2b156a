/**
 * The publication of notices, without mocks: states, the version a submission carries, what Doffin's
 * answers do to a record, the announcement's gate, which amendments owe a notice, the regime; and
 * the XSD check the product runs before it submits (xmllint-wasm on the SDK's schemas it ships).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../../functions/adapters/notice-schema.ts';
import {
  assertContractNoticeAccepted,
  type NoticeRecord,
  type NoticeVersion,
  nextVersion,
  noticeContentHash,
  noticeIdFor,
  noticeState,
  owesModificationNotice,
  recordStatus,
  recordSubmission,
  regimeOf,
} from '../../functions/domain/eforms/publication.ts';
import { Refusal } from '../../functions/domain/refusal.ts';

const officer = { sub: 'kari', name: 'Kari' };
const version = (
  n: number,
  status: NoticeVersion['status'],
  contentHash = 'h1',
  tenderVersion = 1,
): NoticeVersion => ({
  version: n,
  status,
  contentHash,
  tenderVersion,
  submittedAt: `2026-11-23T10:0${n}:00.000Z`,
  submittedBy: officer,
  messages: [],
});
const record = (...versions: NoticeVersion[]): NoticeRecord => ({
  noticeId: noticeIdFor('tnd_1', 'contract'),
  tenderId: 'tnd_1',
  entityId: 'helse-sor-ost',
  stage: 'contract',
  subtype: '20',
  versions,
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
});
const refused = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(Refusal);
    return (error as Refusal).message;
  }
  throw new Error('not refused');
};

describe('notice ids', () => {
  it('are UUIDs v4 in shape, one per tender, stage and amendment, the same every time', () => {
    const ids = [
      noticeIdFor('tnd_1', 'contract'),
      noticeIdFor('tnd_1', 'award'),
      noticeIdFor('tnd_1', 'modification', 'amd_1'),
      noticeIdFor('tnd_1', 'modification', 'amd_2'),
      noticeIdFor('tnd_2', 'contract'),
    ];
    for (const id of ids)
      expect(id).toMatch(/^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(noticeIdFor('tnd_1', 'contract')).toBe(ids[0]);
  });

  it('hash what a notice says, not when it was issued or its version', () => {
    const xml = (date: string, v: string, title: string) =>
      `<a><cbc:IssueDate>${date}</cbc:IssueDate><cbc:IssueTime>10:00:00Z</cbc:IssueTime><cbc:VersionID>${v}</cbc:VersionID><t>${title}</t></a>`;
    expect(noticeContentHash(xml('2026-11-23Z', '01', 'A'))).toBe(
      noticeContentHash(xml('2027-01-02Z', '02', 'A')),
    );
    expect(noticeContentHash(xml('2026-11-23Z', '01', 'A'))).not.toBe(
      noticeContentHash(xml('2026-11-23Z', '01', 'B')),
    );
  });
});

describe('states and versions', () => {
  it('reads ready, incomplete, the last answer, and changed when the data says something else', () => {
    expect(noticeState(undefined, 'h1')).toBe('ready');
    expect(noticeState(undefined, undefined)).toBe('incomplete');
    expect(noticeState(record(version(1, 'accepted')), 'h1')).toBe('accepted');
    expect(noticeState(record(version(1, 'published')), 'h2')).toBe('changed');
    expect(noticeState(record(version(1, 'rejected')), 'h2')).toBe('rejected');
  });

  it('submits 1 first, the same number after a rejection, the next after a published one changed', () => {
    expect(nextVersion(undefined, 'h1')).toBe(1);
    expect(nextVersion(record(version(1, 'rejected')), 'h1')).toBe(1);
    expect(nextVersion(record(version(1, 'published')), 'h2')).toBe(2);
  });

  it('refuses to submit what says nothing new, or a change while the last version waits to be published', () => {
    expect(refused(() => nextVersion(record(version(1, 'accepted')), 'h1'))).toContain('nothing new');
    expect(refused(() => nextVersion(record(version(1, 'accepted')), 'h2'))).toContain('not yet published');
    expect(refused(() => nextVersion(record(version(99, 'published')), 'h2'))).toContain('99 versions');
  });

  it('records a retry of a rejected version in its place, and a publication once', () => {
    const first = recordSubmission(undefined, record(), version(1, 'rejected'));
    const retried = recordSubmission(first, record(), version(1, 'accepted'));
    expect(retried.versions.map((v) => v.status)).toEqual(['accepted']);
    expect(retried.createdAt).toBe(first.createdAt);
    const published = recordStatus(
      retried,
      {
        status: 'published',
        messages: [],
        publicationId: '2026-100001',
        publishedAt: '2026-11-23T10:05:00Z',
      },
      '2026-11-23T10:06:00Z',
    ) as NoticeRecord;
    expect(published.versions[0]).toMatchObject({ status: 'published', publicationId: '2026-100001' });
    expect(
      recordStatus(
        published,
        {
          status: 'published',
          messages: [],
          publicationId: '2026-100001',
          publishedAt: '2026-11-23T10:05:00Z',
        },
        'x',
      ),
    ).toBeUndefined();
  });
});

describe('the announcement gate', () => {
  const tender = { id: 'tnd_1', version: 3, requireAcceptedNotice: true };

  it('lets a tender that does not require it through', () => {
    expect(() =>
      assertContractNoticeAccepted({ ...tender, requireAcceptedNotice: false }, undefined),
    ).not.toThrow();
  });

  it('opens on a version accepted or published for the tender as it is, and says why not otherwise', () => {
    expect(() => assertContractNoticeAccepted(tender, record(version(1, 'accepted', 'h', 3)))).not.toThrow();
    expect(() => assertContractNoticeAccepted(tender, record(version(1, 'published', 'h', 3)))).not.toThrow();
    expect(refused(() => assertContractNoticeAccepted(tender, undefined))).toContain(
      'has not been submitted',
    );
    expect(
      refused(() => assertContractNoticeAccepted(tender, record(version(1, 'accepted', 'h', 2)))),
    ).toContain('changed (version 3)');
    expect(
      refused(() => assertContractNoticeAccepted(tender, record(version(1, 'rejected', 'h', 3)))),
    ).toContain('is rejected');
  });
});

describe('modification notices and the regime', () => {
  it('are owed for confirmed amendments under article 72(1)(b) and (c) only', () => {
    expect(owesModificationNotice({ status: 'confirmed', legalBasis: 'add-wss' })).toBe(true);
    expect(owesModificationNotice({ status: 'confirmed', legalBasis: 'mod-cir' })).toBe(true);
    expect(owesModificationNotice({ status: 'proposed', legalBasis: 'add-wss' })).toBe(false);
    for (const basis of ['mod-rev', 'mod-repl', 'mod-nons', 'mod-minv'] as const)
      expect(owesModificationNotice({ status: 'confirmed', legalBasis: basis })).toBe(false);
    expect(owesModificationNotice({ status: 'confirmed' })).toBe(false);
  });

  it('announces below the configured threshold with the national forms, else with the EU ones', () => {
    const value = (amount: number) => ({ estimatedValue: { amount, currency: 'NOK' as const } });
    expect(regimeOf(value(5_000_000), { lightRegimeThreshold: 8_250_000 })).toBe('national');
    expect(regimeOf(value(8_250_000), { lightRegimeThreshold: 8_250_000 })).toBe('eu');
    expect(regimeOf(value(5_000_000), undefined)).toBe('eu');
    expect(regimeOf({}, { lightRegimeThreshold: 8_250_000 })).toBe('eu');
  });
});

describe('the XSD check before a submission', () => {
  const example = new URL('../../../shared/eforms/sdk/examples/cn-social_24.xml', import.meta.url);
  const valid = (() => {
    try {
      return readFileSync(example, 'utf8');
    } catch {
      return undefined;
    }
  })();

  it('passes a valid notice and names the line of what the schema refuses', async (ctx) => {
    if (!valid) {
      console.warn('SKIPPED: the SDK example notice needs ../shared/eforms');
      return ctx.skip();
    }
    expect(await schemaErrors(valid)).toEqual([]);
    const broken = await schemaErrors(
      valid.replace('<cbc:UBLVersionID>2.3</cbc:UBLVersionID>', '<cbc:Bogus>1</cbc:Bogus>'),
    );
    expect(broken[0]?.message).toContain('Bogus');
    expect(broken[0]?.line).toBeGreaterThan(1);
  });

  it('refuses a document that is no notice', async () => {
    expect(await schemaErrors('<Invoice/>')).toEqual([
      { message: 'The root element is neither ContractNotice nor ContractAwardNotice' },
    ]);
  });
});
