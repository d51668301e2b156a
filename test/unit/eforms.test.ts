/**
 * eForms notice generation (functions/domain/eforms): identity, languages, the legal basis of a
 * modification, and what a contract notice says of the colonoscopy tender. Pure: no SDK, no Java
 * (test/conformance/eforms.test.ts validates the notices against the SDK).
 */
import { describe, expect, it } from 'vitest';
import {
  awardNotice,
  contractNotice,
  modificationNoticeRequired,
  modificationReasons,
  noticeLanguages,
  procedureIdFor,
} from '../../functions/domain/eforms/index.ts';
import { entityById, type ProcuringEntity } from '../../functions/domain/reference-data.ts';
import { referenceLookups } from '../../functions/domain/reference-lookups.ts';
import { type Tender, tenderContentSchema } from '../../functions/domain/tender.ts';
import { createDraft } from '../../functions/domain/tender-lifecycle.ts';
import { colonoscopyLotValues } from '../helpers/fixtures.ts';

const T0 = new Date('2026-11-23T09:00:00.000Z');
const UUID_V4 = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;
const hso = entityById('helse-sor-ost') as ProcuringEntity;
const tender = (): Tender => ({
  ...createDraft(tenderContentSchema.parse(colonoscopyLotValues(T0.getTime())), {
    id: 'tnd_1',
    entityId: 'helse-sor-ost',
    by: { sub: 'officer-1', name: 'Officer' },
    now: T0,
    ref: referenceLookups,
  }).after,
  version: 1,
});
const common = {
  entity: hso,
  contact: { email: 'innkjop@helse-sor-ost.example.org', telephone: '+47 22000000' },
  names: referenceLookups,
  noticeId: '3f0c2a1e-8b7d-4c52-9e41-2d6f0a9b7c11',
  version: 1,
  issuedAt: T0.toISOString(),
};

describe('notice identity', () => {
  it('gives a procedure one identifier, shaped as a UUID v4, the same every time', () => {
    const id = procedureIdFor('tnd_1');
    expect(id).toMatch(UUID_V4);
    expect(procedureIdFor('tnd_1')).toBe(id);
    expect(procedureIdFor('tnd_2')).not.toBe(id);
  });

  it('refuses a notice id that is not a UUID v4, and a version outside 1-99', () => {
    expect(() => contractNotice({ ...common, tender: tender(), noticeId: 'not-a-uuid' })).toThrow(/UUID v4/);
    expect(() => contractNotice({ ...common, tender: tender(), version: 0 })).toThrow(/1 to 99/);
    expect(() => contractNotice({ ...common, tender: tender(), version: 100 })).toThrow(/1 to 99/);
  });
});

describe('languages and legal bases', () => {
  it('publishes Norwegian beside English (an official EU language), Danish alone', () => {
    expect(noticeLanguages({ language: 'nb' })).toEqual(['ENG', 'NOR']);
    expect(noticeLanguages({ language: 'da' })).toEqual(['DAN']);
  });

  it('asks for a modification notice after article 72(1)(b) and (c) modifications only', () => {
    expect(Object.keys(modificationReasons).filter((r) => modificationNoticeRequired(r as never))).toEqual([
      'add-wss',
      'mod-cir',
    ]);
  });
});

describe('the contract notice (subtype 20) of the colonoscopy tender', () => {
  const { xml, subtype, procedureId } = contractNotice({ ...common, tender: tender() });

  it('is a cn-social notice of the procedure, with the buyer and its organisation number', () => {
    expect(subtype).toBe('20');
    expect(procedureId).toBe(procedureIdFor('tnd_1'));
    expect(xml).toContain(`<cbc:ContractFolderID>${procedureId}</cbc:ContractFolderID>`);
    expect(xml).toContain('<cbc:NoticeTypeCode listName="competition">cn-social</cbc:NoticeTypeCode>');
    expect(xml).toContain('<cbc:SubTypeCode listName="notice-subtype">20</cbc:SubTypeCode>');
    expect(xml).toContain('<cbc:CompanyID>991324968</cbc:CompanyID>');
    expect(xml).toContain('<cbc:Name languageID="NOR">Helse Sør-Øst RHF</cbc:Name>');
  });

  it('carries the CPV codes, both lots with their values, the weights and the bid deadline', () => {
    expect(xml.match(/<cbc:ItemClassificationCode listName="cpv">85121251</g)).toHaveLength(3);
    expect(xml.match(/<cac:ProcurementProjectLot>/g)).toHaveLength(2);
    expect(xml).toContain('<cbc:EstimatedOverallContractAmount currencyID="NOK">11250000<');
    expect(xml.match(/<cbc:EstimatedOverallContractAmount currencyID="NOK">5625000</g)).toHaveLength(2);
    expect([...xml.matchAll(/<efbc:ParameterNumeric>(\d+)</g)].map((m) => m[1])).toEqual([
      '40',
      '40',
      '20',
      '40',
      '40',
      '20',
    ]);
    expect(xml).toContain('<cbc:EndDate>2026-12-23Z</cbc:EndDate>');
    expect(xml).toContain('<cbc:EndTime>12:00:00Z</cbc:EndTime>');
  });

  it('escapes what the officer wrote', () => {
    const t = tender();
    const { xml: escaped } = contractNotice({ ...common, tender: { ...t, title: 'Koloskopi <&> "A/S"' } });
    expect(escaped).toContain('Koloskopi &lt;&amp;&gt; "A/S"');
  });
});

describe('below the EU thresholds (the national forms)', () => {
  it('makes E3 of the contract notice, with where bids go and the national legal basis', () => {
    const { xml, subtype } = contractNotice({
      ...common,
      tender: tender(),
      regime: 'national',
      submissionUrl: 'https://helsekjop.example.org/tenders/tnd_1',
    });
    expect(subtype).toBe('E3');
    expect(xml).toContain('<cbc:RegulatoryDomain>other</cbc:RegulatoryDomain>');
    expect(xml).toContain('<cbc:NoticeTypeCode listName="competition">cn-standard</cbc:NoticeTypeCode>');
    expect(xml).toContain('<cbc:ID>LocalLegalBasis</cbc:ID>');
    expect(xml).toContain('FOR-2016-08-12-974');
    expect(xml).toContain('<cbc:EndpointID>https://helsekjop.example.org/tenders/tnd_1</cbc:EndpointID>');
  });

  it('refuses an E3 without the submission address', () => {
    expect(() => contractNotice({ ...common, tender: tender(), regime: 'national' })).toThrow(/BT-18-Lot/);
  });
});

describe('the award notice (subtype 33)', () => {
  it('is refused before there is an award decision', () => {
    expect(() =>
      awardNotice({ ...common, tender: tender(), bids: [], agreements: [], suppliers: [] }),
    ).toThrow(/no award decision/);
  });
});
