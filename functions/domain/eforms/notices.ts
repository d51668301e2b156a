/**
 * eForms notices of a tender's procedure, from the product's own data: the contract notice
 * (subtype 20, cn-social: the light regime that health services bought from private providers fall
 * under), the contract award notice (33, can-social) and the contract modification notice (38,
 * can-modif). Each function takes what it needs, explicitly, and returns the UBL XML with its
 * identity. The values come from terms.ts (which business term comes from which domain field);
 * this file places them where the SDK's fields.json says, in the element order of the UBL 2.3 XSDs.
 * Pure: the notice id, version and time are inputs.
 */

import type { Agreement } from '../agreement.ts';
import type { Bid } from '../bid.ts';
import type { Amendment, PerformanceYear } from '../performance.ts';
import type { ProcuringEntity } from '../reference-data.ts';
import type { ReferenceNames } from '../reference-lookups.ts';
import type { Lot, Tender } from '../tender.ts';
import { procedureIdFor, versionText } from './identity.ts';
import {
  type BuyerContact,
  buyerTerms,
  lotTerms,
  type ModificationReason,
  modificationTerms,
  type NoticeLanguage,
  type NoticeOrganisation,
  type NoticeSupplier,
  nationalLegalBasis,
  noticeLanguages,
  noticeTerms,
  organisationTerms,
  procedureTerms,
  supplierTerms,
  technicalId,
  tenderValue,
  yearValue,
} from './terms.ts';
import {
  amount,
  CUSTOMIZATION_ID,
  coded,
  dateOf,
  extension,
  identifier,
  type Node,
  type Organisation,
  organisation,
  partyRef,
  ref,
  render,
  type Texts,
  text,
  texts,
  timeOf,
} from './ubl.ts';

/** 20, 33, 38: the light regime above the EU thresholds; E3, E4: the national forms below them. */
export type Subtype = '20' | '33' | '38' | 'E3' | 'E4';

/**
 * Above the EU thresholds (`eu`: TED and Doffin or udbud.dk, subtypes 20 and 33) or below them
 * (`national`: the national forms E3 and E4 on Doffin). Whether a tender's value is above the
 * threshold in force is the caller's decision: thresholds change every two years.
 */
export type Regime = 'eu' | 'national';

/** A generated notice: its XML and identity (BT-701 + BT-757; BT-04 links a procedure's notices). */
export interface Notice {
  xml: string;
  noticeId: string;
  version: number;
  subtype: Subtype;
  procedureId: string;
}

/** What every notice is given: its identity and when it is issued (BT-05). */
export interface NoticeIdentity {
  /** A UUID v4 (BT-701-notice); a changed notice keeps it and raises `version`. */
  noticeId: string;
  /** 1-99 (BT-757-notice). */
  version: number;
  /** ISO instant (BT-05(a), BT-05(b)). */
  issuedAt: string;
  /** BT-04-notice; `procedureIdFor(tender.id)` when left out. */
  procedureId?: string;
}

const UUID_V4 = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;

export { procedureIdFor };

const checkIdentity = (i: NoticeIdentity): void => {
  if (!UUID_V4.test(i.noticeId)) throw new Error(`The notice id ${i.noticeId} is not a lower-case UUID v4`);
  if (!Number.isInteger(i.version) || i.version < 1 || i.version > 99)
    throw new Error(`A notice version runs from 1 to 99, not ${i.version}`);
};

/** The document's opening: extensions, identity, languages and the buyer (ContractingParty). */
const header = (
  ext: Node,
  notice: ReturnType<typeof noticeTerms>,
  buyer: Organisation,
  entity: ProcuringEntity,
): Node => ({
  'ext:UBLExtensions': extension(ext),
  'cbc:UBLVersionID': text('2.3'),
  'cbc:CustomizationID': text(CUSTOMIZATION_ID),
  'cbc:ID': identifier('notice-id', notice['BT-701-notice']),
  'cbc:ContractFolderID': text(notice['BT-04-notice']),
  'cbc:IssueDate': text(dateOf(notice['BT-05(a)-notice'])),
  'cbc:IssueTime': text(timeOf(notice['BT-05(b)-notice'])),
  'cbc:VersionID': text(notice['BT-757-notice']),
  'cbc:RegulatoryDomain': text(notice['BT-01-notice']),
  'cbc:NoticeTypeCode': coded(notice['BT-03-notice'], notice['BT-02-notice']),
  'cbc:NoticeLanguageCode': text(notice['BT-702(a)-notice']),
  ...(notice['BT-702(b)-notice'].length
    ? { 'cac:AdditionalNoticeLanguage': notice['BT-702(b)-notice'].map((l) => ({ 'cbc:ID': text(l) })) }
    : {}),
  'cac:ContractingParty': {
    // A modification notice names the buyer only (BR-BT-00010-0047, BR-BT-00011-0047).
    ...(notice['OPP-070-notice'] === '38'
      ? {}
      : {
          'cac:ContractingPartyType': {
            // BT-11-Procedure-Buyer: a Danish region is a regional authority; a Norwegian regional
            // health authority (RHF) is a body governed by public law, owned by the state.
            'cbc:PartyTypeCode': coded('buyer-legal-type', entity.country === 'DK' ? 'ra' : 'body-pl-cga'),
          },
          'cac:ContractingActivity': {
            // BT-10-Procedure-Buyer: health.
            'cbc:ActivityTypeCode': coded('authority-activity', 'health'),
          },
        }),
    'cac:Party': partyRef(buyer.id),
  },
});

/**
 * Where the services are delivered (cac:RealizedLocation): one per NUTS region (BT-5071), with the
 * hospital areas' names (BT-728); anywhere in the country (BT-727 anyw-cou) when no region is known.
 */
const places = (nuts: string[], country: string, description?: Texts): Node[] =>
  (nuts.length ? nuts : [undefined]).map((code) => ({
    ...(description ? { 'cbc:Description': texts(description) } : {}),
    'cac:Address': {
      ...(code ? { 'cbc:CountrySubentityCode': coded('nuts', code) } : { 'cbc:Region': text('anyw-cou') }),
      'cac:Country': { 'cbc:IdentificationCode': coded('country', country) },
    },
  }));

const organisations = (orgs: Organisation[]): Node => ({
  'efac:Organizations': { 'efac:Organization': orgs.map(organisation) },
});

const classification = (main: string, additional: string[]): Node => ({
  'cac:MainCommodityClassification': { 'cbc:ItemClassificationCode': coded('cpv', main) },
  ...(additional.length
    ? {
        'cac:AdditionalCommodityClassification': additional.map((code) => ({
          'cbc:ItemClassificationCode': coded('cpv', code),
        })),
      }
    : {}),
});

const money = (value: { amount: number } | undefined, currency: string): Node =>
  value
    ? { 'cac:RequestedTenderTotal': { 'cbc:EstimatedOverallContractAmount': amount(value.amount, currency) } }
    : {};

/** The procedure's scope (cac:ProcurementProject at the root); its estimated value but in a modification. */
const procedureProject = (
  p: ReturnType<typeof procedureTerms>,
  currency: string,
  country: string,
  withValue: boolean,
): Node => ({
  'cbc:ID': identifier('InternalID', p['BT-22-Procedure']),
  'cbc:Name': texts(p['BT-21-Procedure']),
  'cbc:Description': texts(p['BT-24-Procedure']),
  'cbc:ProcurementTypeCode': coded('contract-nature', p['BT-23-Procedure']),
  ...(withValue ? money(p['BT-27-Procedure'], currency) : {}),
  ...classification(p['BT-262-Procedure'], p['BT-263-Procedure']),
  'cac:RealizedLocation': places(p['BT-5071-Procedure'], country),
});

type LotTerms = ReturnType<typeof lotTerms>;

/** A lot's scope (cac:ProcurementProjectLot/cac:ProcurementProject). */
const lotProject = (l: LotTerms, currency: string, withPlan: boolean): Node => ({
  'cbc:ID': identifier('InternalID', l['BT-22-Lot']),
  'cbc:Name': texts(l['BT-21-Lot']),
  'cbc:Description': texts(l['BT-24-Lot']),
  'cbc:ProcurementTypeCode': coded('contract-nature', l['BT-23-Lot']),
  ...(withPlan ? money(l['BT-27-Lot'], currency) : {}),
  ...classification(l['BT-262-Lot'], l['BT-263-Lot']),
  'cac:RealizedLocation': places(l['BT-5071-Lot'], l['BT-5141-Lot'], l['BT-728-Lot']),
  ...(withPlan
    ? {
        'cac:PlannedPeriod': {
          'cbc:StartDate': text(dateOf(l['BT-536-Lot'])),
          'cbc:EndDate': text(dateOf(l['BT-537-Lot'])),
        },
        ...(l['BT-54-Lot']
          ? { 'cac:ContractExtension': { 'cbc:OptionsDescription': texts(l['BT-54-Lot']) } }
          : {}),
      }
    : {}),
});

/** A lot as the contract notice announces it: terms, process (deadline, framework), scope. */
const announcedLot = (l: LotTerms, currency: string, submissionUrl: string | undefined): Node => ({
  'cbc:ID': identifier('Lot', l['BT-137-Lot']),
  'cac:TenderingTerms': {
    'cbc:FundingProgramCode': coded('eu-funded', l['BT-60-Lot']),
    'cac:TendererQualificationRequest': [
      {
        'cac:SpecificTendererRequirement': {
          'cbc:TendererRequirementTypeCode': coded('reserved-procurement', l['BT-71-Lot']),
        },
      },
      {
        'cac:SpecificTendererRequirement': {
          'cbc:TendererRequirementTypeCode': coded('selection-criteria-source', l['BT-821-Lot']),
        },
      },
    ],
    'cac:ContractExecutionRequirement': {
      'cbc:ExecutionRequirementCode': coded('reserved-execution', l['BT-736-Lot']),
    },
    'cac:AwardingTerms': {
      'cac:AwardingCriterion': {
        'cac:SubordinateAwardingCriterion': l.criteria.map((c) => ({
          'ext:UBLExtensions': extension({
            'efac:AwardCriterionParameter': {
              'efbc:ParameterCode': coded('number-weight', c['BT-5421-Lot']),
              'efbc:ParameterNumeric': text(String(c['BT-541-Lot-WeightNumber'])),
            },
          }),
          'cbc:AwardingCriterionTypeCode': coded('award-criterion-type', c['BT-539-Lot']),
          'cbc:Name': texts(c['BT-734-Lot']),
          ...(c['BT-540-Lot'] ? { 'cbc:Description': texts(c['BT-540-Lot']) } : {}),
        })),
      },
    },
    // BT-18-Lot: where bids are submitted.
    ...(submissionUrl ? { 'cac:TenderRecipientParty': { 'cbc:EndpointID': text(submissionUrl) } } : {}),
    'cac:Language': l['BT-97-Lot'].map((lang) => ({ 'cbc:ID': text(lang) })),
  },
  'cac:TenderingProcess': {
    'cbc:SubmissionMethodCode': coded('esubmission', l['BT-17-Lot']),
    'cac:TenderSubmissionDeadlinePeriod': {
      'cbc:EndDate': text(dateOf(l['BT-131(d)-Lot'])),
      'cbc:EndTime': text(timeOf(l['BT-131(d)-Lot'])),
    },
    'cac:FrameworkAgreement': { 'cbc:MaximumOperatorQuantity': text(String(l['BT-113-Lot'])) },
    'cac:ContractingSystem': {
      'cbc:ContractingSystemTypeCode': coded('framework-agreement', l['BT-765-Lot']),
    },
  },
  'cac:ProcurementProject': lotProject(l, currency, true),
});

/**
 * A lot as a result notice recalls it: its scope, that it is a framework agreement (an award
 * notice: several contracts in one lot result), its funding (a modification notice).
 */
const resultLot = (l: LotTerms, currency: string, subtype: Subtype, reviewBodyId?: string): Node => ({
  'cbc:ID': identifier('Lot', l['BT-137-Lot']),
  ...(subtype === '38'
    ? {
        'cac:TenderingTerms': {
          'cbc:FundingProgramCode': coded('eu-funded', l['BT-60-Lot']),
          ...(reviewBodyId
            ? { 'cac:AppealTerms': { 'cac:AppealReceiverParty': partyRef(reviewBodyId) } }
            : {}),
        },
      }
    : {}),
  ...(subtype === '33'
    ? {
        'cac:TenderingProcess': {
          'cac:ContractingSystem': {
            'cbc:ContractingSystemTypeCode': coded('framework-agreement', l['BT-765-Lot']),
          },
        },
      }
    : {}),
  'cac:ProcurementProject': lotProject(l, currency, false),
});

interface Common {
  tender: Tender;
  /** `eu` when left out. */
  regime?: Regime;
  entity: ProcuringEntity;
  /** The buyer's contact point (BT-506, BT-503): configured per entity, not reference data. */
  contact: BuyerContact;
  /** The names of specialties, forms of care, units and areas (the release's and the managed ones). */
  names: ReferenceNames;
}

const prepare = (input: NoticeIdentity & Common, stage: 'competition' | 'result' | 'modification') => {
  checkIdentity(input);
  const national = input.regime === 'national';
  if (national && stage === 'modification')
    throw new Error('The national forms have no modification notice (E6 is not tailored for Doffin)');
  const subtype: Subtype =
    stage === 'competition' ? (national ? 'E3' : '20') : stage === 'result' ? (national ? 'E4' : '33') : '38';
  const languages: NoticeLanguage[] = noticeLanguages(input.entity);
  const procedureId = input.procedureId ?? procedureIdFor(input.tender.id);
  const notice = noticeTerms({ ...input, procedureId, subtype, languages });
  const buyer = buyerTerms(input.entity, input.contact, languages);
  const procedure = procedureTerms(input.tender, input.entity, languages, input.names);
  const lots = input.tender.lots.map((lot, i) =>
    lotTerms(input.tender, lot, i, input.entity, languages, input.names),
  );
  return { languages, procedureId, notice, buyer, procedure, lots, subtype };
};

/** The procedure's legal basis below the thresholds (BT-01(e), BT-01(f) -Procedure). */
const localLegalBasis = (subtype: Subtype, entity: ProcuringEntity, languages: NoticeLanguage[]): Node =>
  subtype.startsWith('E')
    ? {
        'cac:ProcurementLegislationDocumentReference': {
          'cbc:ID': text('LocalLegalBasis'),
          'cbc:DocumentDescription': texts(nationalLegalBasis(entity, languages)),
        },
      }
    : {};

const countryOf = (entity: ProcuringEntity) => (entity.country === 'DK' ? 'DNK' : 'NOR');

/** Subtype 20 (E3 below the thresholds): the contract notice of a tender, at its announcement. */
export const contractNotice = (
  input: NoticeIdentity &
    Common & {
      /** Where suppliers submit bids (BT-18-Lot): the tender in the product; required in E3. */
      submissionUrl?: string;
    },
): Notice => {
  const { languages, procedureId, notice, buyer, procedure, lots, subtype } = prepare(input, 'competition');
  if (subtype === 'E3' && !input.submissionUrl)
    throw new Error(
      'A national contract notice (E3) says where bids are submitted (BT-18-Lot): give submissionUrl',
    );
  const { tender, entity } = input;
  const xml = render('ContractNotice', {
    ...header(
      {
        'efac:NoticeSubType': { 'cbc:SubTypeCode': coded('notice-subtype', subtype) },
        ...organisations([buyer]),
      },
      notice,
      buyer,
      entity,
    ),
    'cac:TenderingTerms': {
      ...localLegalBasis(subtype, entity, languages),
      'cac:TendererQualificationRequest': {
        'cac:SpecificTendererRequirement': {
          // BT-806-Procedure: the exclusion grounds are in the procurement documents.
          'cbc:TendererRequirementTypeCode': coded('exclusion-grounds-source', 'epo-procurement-document'),
        },
      },
    },
    'cac:TenderingProcess': {
      'cbc:Description': texts(procedure['BT-88-Procedure']),
      'cbc:ProcedureCode': coded('procurement-procedure-type', procedure['BT-105-Procedure']),
    },
    'cac:ProcurementProject': procedureProject(procedure, tender.currency, countryOf(entity), true),
    'cac:ProcurementProjectLot': lots.map((l) => announcedLot(l, tender.currency, input.submissionUrl)),
  });
  return { xml, noticeId: input.noticeId, version: input.version, subtype, procedureId };
};

/** The parts of a result: lot results, the winning tenders, their contracts and tenderers. */
interface Result {
  lotResults: Node[];
  lotTenders: Node[];
  contracts: Node[];
  parties: Node[];
  winners: Organisation[];
  total: number;
}

/**
 * The tenders received for a lot (BT-759, BT-760): all of them, from SMEs and large enterprises,
 * from other EEA countries than the buyer's and from outside the EEA (Norway and Denmark are both
 * in the EEA, the only countries suppliers are registered in).
 */
const statistics = (
  received: Pick<Bid, 'supplierId'>[],
  entity: ProcuringEntity,
  suppliers: NoticeSupplier[],
): [string, number][] => {
  const of = received.map((b) => {
    const s = suppliers.find((x) => x.id === b.supplierId);
    if (!s) throw new Error(`Supplier ${b.supplierId} bid but is not among the notice's suppliers`);
    return s;
  });
  return [
    ['tenders', of.length],
    ['t-sme', of.filter((s) => s.size !== 'large').length],
    ['t-large', of.filter((s) => s.size === 'large').length],
    ['t-oth-eea', of.filter((s) => s.country !== entity.country).length],
    ['t-no-eea', 0],
  ];
};

/**
 * The most a lot's framework agreements may be worth (BT-709-LotResult): the lot's estimated value,
 * or the tender's when it has one lot.
 */
const frameworkMaximum = (tender: Tender, lot: Lot): number => {
  const value = lot.estimatedValue ?? (tender.lots.length === 1 ? tender.estimatedValue : undefined);
  if (!value)
    throw new Error(
      `Lot ${lot.id} has no estimated value: an award notice gives each framework agreement's maximum value (BT-709-LotResult)`,
    );
  return value.amount;
};

/**
 * Subtype 33 (E4 below the thresholds): the contract award notice of a tender, when the standstill
 * has ended and the agreements exist.
 */
export const awardNotice = (
  input: NoticeIdentity &
    Common & {
      /** Every bid of the tender: the valid ones are counted per lot (BT-759), the winners' priced (BT-720). */
      bids: Pick<Bid, 'id' | 'lotId' | 'supplierId' | 'status' | 'prices'>[];
      /** The framework agreements the award made (one contract each, BT-150). */
      agreements: Pick<Agreement, 'id' | 'lotId' | 'supplierId' | 'createdAt'>[];
      /** Every bidder as the notice names it (the winners in full, the others' size and country counted). */
      suppliers: NoticeSupplier[];
    },
): Notice => {
  const { languages, procedureId, notice, buyer, procedure, lots, subtype } = prepare(input, 'result');
  const { tender, entity } = input;
  const award = tender.award;
  if (!award) throw new Error(`Tender ${tender.id} has no award decision to announce`);
  const currency = tender.currency;
  const result: Result = {
    lotResults: [],
    lotTenders: [],
    contracts: [],
    parties: [],
    winners: [],
    total: 0,
  };
  const orgOf = new Map<string, Organisation>();
  const supplier = (id: string): Organisation => {
    const known = orgOf.get(id);
    if (known) return known;
    const s = input.suppliers.find((x) => x.id === id);
    if (!s) throw new Error(`Supplier ${id} won a lot but is not among the notice's suppliers`);
    const org = supplierTerms(s, orgOf.size + 1, languages);
    orgOf.set(id, org);
    result.winners.push(org);
    const party = technicalId('TPA', result.parties.length);
    result.parties.push({
      'cbc:ID': identifier('tendering-party', party),
      'efac:Tenderer': ref('organization', org.id),
    });
    return org;
  };
  const partyOf = (orgId: string) => {
    const index = result.winners.findIndex((w) => w.id === orgId);
    return technicalId('TPA', index);
  };
  tender.lots.forEach((lot: Lot, i) => {
    const lotId = technicalId('LOT', i);
    const decided = award.lots.find((l) => l.lotId === lot.id);
    const received = input.bids.filter(
      (b) =>
        b.lotId === lot.id &&
        (b.status === 'submitted' || b.status === 'qualified' || b.status === 'rejected'),
    );
    const tenderRefs: Node[] = [];
    const contractRefs: Node[] = [];
    for (const w of decided?.status === 'awarded' ? decided.winners : []) {
      const bid = input.bids.find((b) => b.id === w.bidId);
      const agreement = input.agreements.find((a) => a.lotId === lot.id && a.supplierId === w.supplierId);
      if (!bid) throw new Error(`The winning bid ${w.bidId} of lot ${lot.id} is not among the bids`);
      if (!agreement)
        throw new Error(
          `No agreement with ${w.supplierId} for lot ${lot.id}: the award notice comes after the standstill`,
        );
      const org = supplier(w.supplierId);
      const tenderId = technicalId('TEN', result.lotTenders.length);
      const contractId = technicalId('CON', result.contracts.length);
      const value = tenderValue(bid, lot);
      result.lotTenders.push({
        'cbc:ID': identifier('tender', tenderId), // OPT-321-Tender
        'cbc:RankCode': text(String(w.rank)), // BT-171-Tender
        'efbc:TenderRankedIndicator': text('true'), // BT-1711-Tender
        'cac:LegalMonetaryTotal': { 'cbc:PayableAmount': amount(value, currency) }, // BT-720-Tender
        'efac:TenderingParty': ref('tendering-party', partyOf(org.id)), // OPT-310-Tender
        'efac:TenderLot': ref('Lot', lotId), // BT-13714-Tender
        'efac:TenderReference': { 'cbc:ID': text(bid.id) }, // BT-3201-Tender
      });
      result.contracts.push({
        'cbc:ID': identifier('contract', contractId), // OPT-316-Contract
        'cbc:AwardDate': text(dateOf(award.approvedAt)), // BT-1451-Contract
        'cbc:IssueDate': text(dateOf(agreement.createdAt)), // BT-145-Contract
        // BT-768-Contract: the contract is the framework agreement itself, not a call-off under one.
        'efbc:ContractFrameworkIndicator': text('false'),
        'efac:ContractReference': { 'cbc:ID': text(agreement.id) }, // BT-150-Contract
        'efac:LotTender': ref('tender', tenderId), // BT-3202-Contract
      });
      tenderRefs.push(ref('tender', tenderId));
      contractRefs.push(ref('contract', contractId));
    }
    const awarded = tenderRefs.length > 0;
    const maximum = awarded ? frameworkMaximum(tender, lot) : 0;
    result.total += maximum;
    result.lotResults.push({
      'cbc:ID': identifier('result', technicalId('RES', i)), // OPT-322-LotResult
      // BT-142-LotResult: a winner chosen, or closed without one.
      'cbc:TenderResultCode': coded('winner-selection-status', awarded ? 'selec-w' : 'clos-nw'),
      ...(awarded
        ? {}
        : {
            'efac:DecisionReason': {
              // BT-144-LotResult: no bid at all, or none that could win.
              'efbc:DecisionReasonCode': coded(
                'non-award-justification',
                received.length ? 'all-rej' : 'no-rece',
              ),
            },
          }),
      ...(awarded ? { 'efac:LotTender': tenderRefs } : {}),
      // BT-709-LotResult: the most the lot's framework agreements may be worth.
      ...(awarded
        ? { 'efac:FrameworkAgreementValues': { 'cbc:MaximumValueAmount': amount(maximum, currency) } }
        : {}),
      // BT-760-LotResult (received-submission-type) and BT-759-LotResult (how many).
      'efac:ReceivedSubmissionsStatistics': statistics(received, entity, input.suppliers).map(
        ([code, count]) => ({
          'efbc:StatisticsCode': coded('received-submission-type', code),
          'efbc:StatisticsNumeric': text(String(count)),
        }),
      ),
      ...(awarded ? { 'efac:SettledContract': contractRefs } : {}),
      'efac:TenderLot': ref('Lot', lotId), // BT-13713-LotResult
    });
  });
  const xml = render('ContractAwardNotice', {
    ...header(
      {
        'efac:NoticeResult': {
          // BT-118-NoticeResult: the framework agreements' maximum values together (a notice of
          // framework agreements gives no BT-161 notice value).
          ...(result.total
            ? {
                'efbc:OverallMaximumFrameworkContractsAmount': amount(
                  Math.round(result.total * 100) / 100,
                  currency,
                ),
              }
            : {}),
          'efac:LotResult': result.lotResults,
          ...(result.lotTenders.length ? { 'efac:LotTender': result.lotTenders } : {}),
          ...(result.contracts.length ? { 'efac:SettledContract': result.contracts } : {}),
          ...(result.parties.length ? { 'efac:TenderingParty': result.parties } : {}),
        },
        'efac:NoticeSubType': { 'cbc:SubTypeCode': coded('notice-subtype', subtype) },
        ...organisations([buyer, ...result.winners]),
      },
      notice,
      buyer,
      entity,
    ),
    ...(subtype === 'E4' ? { 'cac:TenderingTerms': localLegalBasis(subtype, entity, languages) } : {}),
    'cac:TenderingProcess': {
      'cbc:ProcedureCode': coded('procurement-procedure-type', procedure['BT-105-Procedure']),
    },
    'cac:ProcurementProject': procedureProject(procedure, tender.currency, countryOf(entity), true),
    'cac:ProcurementProjectLot': lots.map((l) => resultLot(l, tender.currency, '33')),
    // OPT-999: the date of the award decision.
    'cac:TenderResult': { 'cbc:AwardDate': text(dateOf(award.approvedAt)) },
  });
  return { xml, noticeId: input.noticeId, version: input.version, subtype, procedureId };
};

/** Subtype 38: the modification of a framework agreement during its term (a volume amended). */
export const modificationNotice = (
  input: NoticeIdentity &
    Common & {
      agreement: Pick<Agreement, 'id' | 'lotId' | 'lotTitle' | 'supplierId' | 'createdAt' | 'rank' | 'bidId'>;
      supplier: NoticeSupplier;
      /** The performance year amended, and its amendments (the confirmed ones count). */
      year: Pick<PerformanceYear, 'lines' | 'year'>;
      amendments: Pick<Amendment, 'unit' | 'delta' | 'status'>[];
      amendment: Pick<Amendment, 'unit' | 'delta' | 'reason' | 'year'>;
      /** Its legal basis (article 72 of directive 2014/24/EU, BT-200-Contract). */
      reason: ModificationReason;
      /** The award notice the modified contract was announced in (BT-1501(n)-Contract). */
      awardNotice: { noticeId: string; version: number };
      /** The review body (OPT-301-Lot-ReviewOrg): the complaints board of the buyer's country. */
      reviewBody: NoticeOrganisation;
    },
): Notice => {
  const { languages, procedureId, notice, buyer, procedure, lots } = prepare(input, 'modification');
  const { tender, entity, agreement } = input;
  const index = tender.lots.findIndex((l) => l.id === agreement.lotId);
  const lot = lots[index];
  if (!lot)
    throw new Error(
      `Agreement ${agreement.id} is for lot ${agreement.lotId}, not a lot of tender ${tender.id}`,
    );
  const currency = tender.currency;
  // A modification notice gives no company size (BR-BT-00165-0047).
  const { size: _size, ...winner } = supplierTerms(input.supplier, 1, languages);
  const reviewBody = organisationTerms(input.reviewBody, 2, languages);
  const change = modificationTerms(agreement, input.amendment, input.reason, languages, input.names);
  const value = yearValue(input.year, input.amendments);
  const lotId = lot['BT-137-Lot'];
  const xml = render('ContractAwardNotice', {
    ...header(
      {
        'efac:ContractModification': {
          // BT-1501(n)-Contract: the award notice and version that announced the contract.
          'efbc:ChangedNoticeIdentifier': identifier(
            'notice-id-ref',
            `${input.awardNotice.noticeId}-${versionText(input.awardNotice.version)}`,
          ),
          'efbc:ModifiedContractIdentifier': identifier('contract', technicalId('CON', 0)), // BT-1501(c)-Contract
          'efac:Change': { 'efbc:ChangeDescription': texts(change['BT-202-Contract']) },
          'efac:ChangeReason': {
            'cbc:ReasonCode': coded('modification-justification', change['BT-200-Contract']),
            'efbc:ReasonDescription': texts(change['BT-201-Contract']),
          },
        },
        'efac:NoticeResult': {
          'cbc:TotalAmount': amount(value, currency), // BT-161-NoticeResult: the year's value after the change
          'efac:LotResult': {
            'cbc:ID': identifier('result', technicalId('RES', 0)),
            'efac:LotTender': ref('tender', technicalId('TEN', 0)),
            'efac:SettledContract': ref('contract', technicalId('CON', 0)),
            'efac:TenderLot': ref('Lot', lotId),
          },
          'efac:LotTender': {
            'cbc:ID': identifier('tender', technicalId('TEN', 0)),
            ...(agreement.rank
              ? { 'cbc:RankCode': text(String(agreement.rank)), 'efbc:TenderRankedIndicator': text('true') }
              : {}),
            'cac:LegalMonetaryTotal': { 'cbc:PayableAmount': amount(value, currency) }, // BT-720-Tender
            'efac:TenderingParty': ref('tendering-party', technicalId('TPA', 0)),
            'efac:TenderLot': ref('Lot', lotId),
            ...(agreement.bidId ? { 'efac:TenderReference': { 'cbc:ID': text(agreement.bidId) } } : {}),
          },
          'efac:SettledContract': {
            'cbc:ID': identifier('contract', technicalId('CON', 0)),
            'cbc:IssueDate': text(dateOf(agreement.createdAt)), // BT-145-Contract
            'efac:ContractReference': { 'cbc:ID': text(agreement.id) }, // BT-150-Contract
            'efac:LotTender': ref('tender', technicalId('TEN', 0)),
          },
          'efac:TenderingParty': {
            'cbc:ID': identifier('tendering-party', technicalId('TPA', 0)),
            'efac:Tenderer': ref('organization', winner.id),
          },
        },
        'efac:NoticeSubType': { 'cbc:SubTypeCode': coded('notice-subtype', '38') },
        ...organisations([buyer, winner, reviewBody]),
      },
      notice,
      buyer,
      entity,
    ),
    'cac:ProcurementProject': procedureProject(procedure, currency, countryOf(entity), false),
    'cac:ProcurementProjectLot': resultLot(lot, currency, '38', reviewBody.id),
    // OPT-999: the date of the award decision that made the contract.
    'cac:TenderResult': { 'cbc:AwardDate': text(dateOf(tender.award?.approvedAt ?? agreement.createdAt)) },
  });
  return { xml, noticeId: input.noticeId, version: input.version, subtype: '38', procedureId };
};
