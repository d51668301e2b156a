/**
 * Which eForms business term comes from which domain field: the one place that says it. Every key
 * below is a field id of the eForms SDK 1.15 (sdk/fields/fields.json), whose XPath says where the
 * value goes; the notice builders (contract-notice.ts, award-notice.ts, modification-notice.ts)
 * place these values and nothing else. Pure: no I/O.
 */
import type { Agreement } from '../agreement.ts';
import { evaluatedPrice } from '../evaluation.ts';
import type { Amendment, PerformanceYear } from '../performance.ts';
import { type EntityOrganisation, entityOrganisations, type ProcuringEntity } from '../reference-data.ts';
import type { ReferenceNames } from '../reference-lookups.ts';
import { type AwardCriterion, type Lot, lotCpvCodes, lotServiceAreaIds, type Tender } from '../tender.ts';
import { versionText } from './identity.ts';
import { type ModificationReason, modificationReasons } from './legal-basis.ts';
import type { Organisation, Texts } from './ubl.ts';

export { type ModificationReason, modificationNoticeRequired, modificationReasons } from './legal-basis.ts';

/** The eForms code of a notice language (BT-702): ISO 639-3, upper case. */
export type NoticeLanguage = 'ENG' | 'NOR' | 'DAN';

/**
 * The languages of an entity's notices (BT-702(a) the main one, BT-702(b) the others). A Danish
 * entity publishes in Danish, an official EU language. A Norwegian one publishes in Norwegian, which
 * is not one: the EU rules (BR-BT-00702-0102, -0103) allow only official EU languages, so its notice
 * is in English with Norwegian beside it, as DFØ's own EU examples are (eforms-sdk-nor
 * src/tests/eu/test/cn_24.xml); Doffin takes both, and what goes to TED keeps the English
 * (eforms-sdk-nor src/xslt/nor-to-eforms.xslt).
 */
export const noticeLanguages = (entity: Pick<ProcuringEntity, 'language'>): NoticeLanguage[] =>
  entity.language === 'da' ? ['DAN'] : ['ENG', 'NOR'];

/** The words a notice writes itself, per language. */
const words = {
  NOR: {
    procedure: 'Åpen anbudskonkurranse om rammeavtaler om helsetjenester (anskaffelsesforskriften del IV)',
    weighted: (name: string, weight: number) => `${name}, vektet ${weight} %`,
    lot: 'Delkontrakt',
    lots: 'delkontrakter',
    framework: (start: string, end: string) => `Rammeavtale fra ${start} til ${end}`,
    options: (months: number[]) => `Opsjoner på forlengelse: ${months.map((m) => `${m} måneder`).join(', ')}`,
    estimated: (q: number, unit: string) => `anslått ${q} ${unit.toLowerCase()} per år`,
    criteria: { price: 'Pris', quality: 'Kvalitet', accessibility: 'Tilgjengelighet' },
    nonProfit: 'Forbeholdt ideelle leverandører',
    change: (delta: number, unit: string, year: number) =>
      `Volumet for ${year} er endret med ${delta > 0 ? '+' : ''}${delta} ${unit}`,
  },
  DAN: {
    procedure: 'Offentligt udbud af rammeaftaler om sundhedsydelser (light-regimet, udbudslovens afsnit III)',
    weighted: (name: string, weight: number) => `${name}, vægtet ${weight} %`,
    lot: 'Delkontrakt',
    lots: 'delkontrakter',
    framework: (start: string, end: string) => `Rammeaftale fra ${start} til ${end}`,
    options: (months: number[]) => `Optioner på forlængelse: ${months.map((m) => `${m} måneder`).join(', ')}`,
    estimated: (q: number, unit: string) => `anslået ${q} ${unit.toLowerCase()} om året`,
    criteria: { price: 'Pris', quality: 'Kvalitet', accessibility: 'Tilgængelighed' },
    nonProfit: 'Forbeholdt nonprofitorganisationer',
    change: (delta: number, unit: string, year: number) =>
      `Mængden for ${year} er ændret med ${delta > 0 ? '+' : ''}${delta} ${unit}`,
  },
  ENG: {
    procedure: 'Open procedure for framework agreements on health services (the light regime)',
    weighted: (name: string, weight: number) => `${name}, weighted ${weight} %`,
    lot: 'Lot',
    lots: 'lots',
    framework: (start: string, end: string) => `Framework agreement from ${start} to ${end}`,
    options: (months: number[]) => `Options to extend: ${months.map((m) => `${m} months`).join(', ')}`,
    estimated: (q: number, unit: string) => `an estimated ${q} ${unit.toLowerCase()} a year`,
    criteria: { price: 'Price', quality: 'Quality', accessibility: 'Accessibility' },
    nonProfit: 'Reserved for non-profit suppliers',
    change: (delta: number, unit: string, year: number) =>
      `The volume for ${year} changed by ${delta > 0 ? '+' : ''}${delta} ${unit.toLowerCase()}`,
  },
} as const;

/** A text in every notice language, from a function of the language. */
const say = (languages: NoticeLanguage[], f: (l: NoticeLanguage) => string): Texts =>
  Object.fromEntries(languages.map((l) => [l, f(l)]));

/**
 * What the officer wrote (a title, a name) is in the entity's own language; in English the notice
 * says what the reference data knows in English, `english` (a translation the officer did not give
 * is not invented).
 */
const own = (languages: NoticeLanguage[], written: string, english: string): Texts =>
  say(languages, (l) => (l === 'ENG' ? english : written));

const serviceNames = (names: ReferenceNames, ids: string[], l: NoticeLanguage) =>
  ids.map((id) => {
    const s = names.serviceArea(id);
    return s ? (l === 'ENG' ? s.english : s.name) : id;
  });

const formNames = (names: ReferenceNames, ids: string[], l: NoticeLanguage) =>
  ids.map((id) => {
    const f = names.formOfCare(id);
    return f ? (l === 'ENG' ? f.english : l === 'DAN' ? (f.danish ?? f.name) : f.name) : id;
  });

const unitName = (names: ReferenceNames, id: string, l: NoticeLanguage) => {
  const u = names.volumeUnit(id);
  return u ? (l === 'ENG' ? u.english : l === 'DAN' ? (u.danish ?? u.name) : u.name) : id;
};

const areaNames = (names: ReferenceNames, ids: string[]) =>
  ids.map((id) => names.hospitalArea(id)?.name ?? id);

/** The eForms country code (ISO 3166-1 alpha-3) of an entity's or supplier's country. */
export const countryCode = (country: 'NO' | 'DK'): string => (country === 'DK' ? 'DNK' : 'NOR');

/**
 * The NUTS 2024 level-3 regions (nuts-lvl3) of the release's hospital areas: the counties they
 * serve (Vestre Viken: Buskerud; Telemark og Vestfold: both counties).
 */
const hospitalAreaNuts: Record<string, string[]> = {
  ostfold: ['NO085'],
  akershus: ['NO083'],
  innlandet: ['NO020'],
  oslo: ['NO081'],
  'vestre-viken': ['NO084'],
  'telemark-vestfold': ['NO093', 'NO094'],
  sorlandet: ['NO092'],
  'helse-vest-region': ['NO0A1', 'NO0A2'],
  'region-sjaelland-region': ['DK021', 'DK022'],
};

/** The NUTS regions of hospital areas; empty when one of them has none known (an officer's own area). */
const placesOf = (areaIds: string[]): string[] =>
  areaIds.every((id) => hospitalAreaNuts[id])
    ? [...new Set(areaIds.flatMap((id) => hospitalAreaNuts[id] as string[]))]
    : [];

/** A CPV code as eForms writes it: the eight digits, without the check digit. */
const cpv = (code: string): string => code.slice(0, 8);

/** The technical id of the n-th (0-based) part of a kind: LOT-0001, ORG-0002, TEN-0001… */
export const technicalId = (prefix: string, index: number): string =>
  `${prefix}-${String(index + 1).padStart(4, '0')}`;

/** The buyer's contact point, which reference data does not hold (configured per entity). */
export interface BuyerContact {
  email: string;
  telephone: string;
  website?: string;
}

/** The buyer (BT-500…BT-514 -Organization-Company; OPT-300-Procedure-Buyer refers to it). */
export const buyerTerms = (
  entity: ProcuringEntity,
  contact: BuyerContact,
  languages: NoticeLanguage[],
): Organisation => {
  const org: EntityOrganisation | undefined = entityOrganisations[entity.id];
  if (!org)
    throw new Error(`No organisation number or address for ${entity.id}: eForms needs them (BT-501, BT-513)`);
  return {
    id: technicalId('ORG', 0),
    name: say(languages, () => entity.name),
    companyId: org.organisationNumber,
    address: {
      street: org.street,
      postalCode: org.postalCode,
      city: org.city,
      nuts: org.nuts,
      country: countryCode(entity.country),
    },
    contact: { email: contact.email, telephone: contact.telephone },
    ...(contact.website ? { website: contact.website } : {}),
  };
};

/** A supplier as a notice names it: its registered name, organisation number and postal address. */
export interface NoticeSupplier {
  id: string;
  name: string;
  organisationNumber: string;
  country: 'NO' | 'DK';
  address: { street?: string; postalCode: string; city: string; nuts: string };
  /** BT-165 (economic-operator-size): a winner's, and every bidder's for the statistics (BT-759 t-sme, t-large). */
  size: 'micro' | 'small' | 'medium' | 'large';
}

/**
 * Another organisation a notice names, e.g. the review body (Klagenemnda for offentlige anskaffelser,
 * Klagenævnet for Udbud): configured, not reference data.
 */
export interface NoticeOrganisation {
  name: string;
  organisationNumber: string;
  country: 'NO' | 'DK';
  address: { street?: string; postalCode: string; city: string; nuts: string };
  contact?: { email: string; telephone: string };
  website?: string;
}

export const organisationTerms = (
  o: NoticeOrganisation,
  index: number,
  languages: NoticeLanguage[],
): Organisation => ({
  id: technicalId('ORG', index),
  name: say(languages, () => o.name),
  companyId: o.organisationNumber,
  address: { ...o.address, country: countryCode(o.country) },
  ...(o.contact ? { contact: o.contact } : {}),
  ...(o.website ? { website: o.website } : {}),
});

/** A winner (BT-500…BT-514 -Organization-Company, referred to by OPT-300-Tenderer). */
export const supplierTerms = (
  s: NoticeSupplier,
  index: number,
  languages: NoticeLanguage[],
): Organisation => ({
  id: technicalId('ORG', index),
  name: say(languages, () => s.name),
  companyId: s.organisationNumber,
  address: { ...s.address, country: countryCode(s.country) },
  size: s.size,
});

/** The notice's own identity (BT-701, BT-757, BT-04, BT-05, BT-702, OPP-070, BT-02, BT-03, BT-01). */
export const noticeTerms = (input: {
  noticeId: string;
  version: number;
  procedureId: string;
  issuedAt: string;
  subtype: '20' | '33' | '38' | 'E3' | 'E4';
  languages: NoticeLanguage[];
}) => ({
  'BT-701-notice': input.noticeId,
  'BT-757-notice': versionText(input.version),
  'BT-04-notice': input.procedureId,
  'BT-05(a)-notice': input.issuedAt,
  'BT-05(b)-notice': input.issuedAt,
  'OPP-070-notice': input.subtype,
  // BT-02 (the notice type) and BT-03 (its form type, the list name) of each subtype (notice-types.json).
  'BT-02-notice': {
    '20': 'cn-social',
    '33': 'can-social',
    '38': 'can-modif',
    E3: 'cn-standard',
    E4: 'can-standard',
  }[input.subtype],
  'BT-03-notice': {
    '20': 'competition',
    '33': 'result',
    '38': 'cont-modif',
    E3: 'competition',
    E4: 'result',
  }[input.subtype],
  // Directive 2014/24/EU (the Norwegian regulation part IV, the Danish udbudslov, implement it);
  // below the thresholds (the national forms E3, E4) the national law alone: BT-01(f) says which.
  'BT-01-notice': input.subtype.startsWith('E') ? 'other' : '32014L0024',
  'BT-702(a)-notice': input.languages[0] as NoticeLanguage,
  'BT-702(b)-notice': input.languages.slice(1),
});

/**
 * The national law a procurement below the EU thresholds follows (BT-01(f)-Procedure, with
 * BT-01(e) LocalLegalBasis): the Norwegian procurement regulation, or the Danish procurement act.
 */
export const nationalLegalBasis = (entity: Pick<ProcuringEntity, 'country'>, languages: NoticeLanguage[]) =>
  say(languages, (l) =>
    entity.country === 'DK'
      ? l === 'ENG'
        ? 'Danish Public Procurement Act (udbudsloven, lov nr. 1564 af 15. december 2015)'
        : 'Udbudsloven (lov nr. 1564 af 15. december 2015)'
      : l === 'ENG'
        ? 'Norwegian Public Procurement Regulation (anskaffelsesforskriften, FOR-2016-08-12-974)'
        : 'Forskrift om offentlige anskaffelser (anskaffelsesforskriften, FOR-2016-08-12-974)',
  );

/** The procedure (BT-21, BT-24, BT-23, BT-262, BT-263, BT-27, BT-105 -Procedure). */
export const procedureTerms = (
  tender: Tender,
  entity: ProcuringEntity,
  languages: NoticeLanguage[],
  names: ReferenceNames,
) => {
  const [main, ...additional] = tender.cpvCodes ?? lotCpvCodes(tender, tender.lots[0] as Lot);
  if (!main) throw new Error(`Tender ${tender.id} has no CPV code: eForms needs one (BT-262-Procedure)`);
  return {
    'BT-22-Procedure': tender.id,
    'BT-21-Procedure': own(
      languages,
      tender.title,
      `${serviceNames(names, tender.serviceAreaIds, 'ENG').join(', ')}: ${entity.name}`,
    ),
    'BT-24-Procedure': say(languages, (l) =>
      [
        l === 'ENG' || !tender.description ? undefined : tender.description,
        `${serviceNames(names, tender.serviceAreaIds, l).join(', ')}.`,
        `${tender.lots.length} ${words[l].lots}: ${tender.lots.map((lot) => (l === 'ENG' ? areaNames(names, lot.hospitalAreaIds).join(', ') : lot.title)).join('; ')}.`,
        `${words[l].framework(tender.agreement.startDate, tender.agreement.endDate)}.`,
      ]
        .filter(Boolean)
        .join(' '),
    ),
    // The product buys services (the main CPV code is a services code: tender.ts cpvProblems).
    'BT-23-Procedure': 'services',
    'BT-262-Procedure': cpv(main),
    'BT-263-Procedure': additional.map(cpv),
    'BT-27-Procedure': tender.estimatedValue,
    // Bids come in after the announcement, from any supplier: an open procedure.
    'BT-105-Procedure': 'open',
    'BT-88-Procedure': say(languages, (l) => words[l].procedure),
    'BT-5071-Procedure': [...new Set(tender.lots.flatMap((lot) => placesOf(lot.hospitalAreaIds)))],
  };
};

/** The award criteria of every lot (BT-539, BT-734, BT-540, BT-5421, BT-541 -Lot). */
export const criterionTerms = (c: AwardCriterion, languages: NoticeLanguage[]) => ({
  // award-criterion-type: price, or quality (accessibility, e.g. travel time, is a quality).
  'BT-539-Lot': c.kind === 'price' ? 'price' : 'quality',
  'BT-734-Lot': own(languages, c.name, words.ENG.criteria[c.kind]),
  // The officer's description, or what the criterion is and weighs (a criterion must be described).
  'BT-540-Lot': say(languages, (l) =>
    l !== 'ENG' && c.description
      ? c.description
      : words[l].weighted(l === 'ENG' ? words.ENG.criteria[c.kind] : c.name, c.weight),
  ),
  // number-weight per-exa: the weight is an exact percentage.
  'BT-5421-Lot': 'per-exa',
  'BT-541-Lot-WeightNumber': c.weight,
});

/** A lot (BT-137 its technical id, BT-22 the product's id, …). */
export const lotTerms = (
  tender: Tender,
  lot: Lot,
  index: number,
  entity: Pick<ProcuringEntity, 'country'>,
  languages: NoticeLanguage[],
  names: ReferenceNames,
) => {
  const [main, ...additional] = lotCpvCodes(tender, lot);
  if (!main) throw new Error(`Lot ${lot.id} has no CPV code: eForms needs one (BT-262-Lot)`);
  const services = lotServiceAreaIds(tender, lot);
  return {
    'BT-137-Lot': technicalId('LOT', index),
    'BT-22-Lot': lot.id,
    'BT-21-Lot': own(
      languages,
      lot.title,
      `${words.ENG.lot} ${index + 1}: ${serviceNames(names, services, 'ENG').join(', ')}, ${areaNames(names, lot.hospitalAreaIds).join(', ')}`,
    ),
    'BT-24-Lot': say(languages, (l) =>
      [
        l === 'ENG' || !lot.description ? undefined : lot.description,
        `${serviceNames(names, services, l).join(', ')} (${formNames(names, lot.formsOfCare, l).join(', ').toLowerCase()}):`,
        `${areaNames(names, lot.hospitalAreaIds).join(', ')};`,
        `${lot.estimatedVolumes.map((v) => words[l].estimated(v.quantity, unitName(names, v.unit, l))).join(', ')}.`,
        tender.reservedForNonProfit ? `${words[l].nonProfit}.` : undefined,
      ]
        .filter(Boolean)
        .join(' '),
    ),
    'BT-23-Lot': 'services',
    'BT-262-Lot': cpv(main),
    'BT-263-Lot': additional.map(cpv),
    'BT-27-Lot': lot.estimatedValue,
    // Where the service is delivered: the hospital areas (BT-728), their NUTS regions (BT-5071), or
    // anywhere in the country (BT-727) for an area whose region is not known here.
    'BT-5141-Lot': countryCode(entity.country),
    'BT-728-Lot': say(languages, () => areaNames(names, lot.hospitalAreaIds).join(', ')),
    'BT-5071-Lot': placesOf(lot.hospitalAreaIds),
    'BT-60-Lot': 'no-eu-funds',
    // reserved-execution: the contract is not reserved for sheltered workshops.
    'BT-736-Lot': 'no',
    // selection-criteria-source: the qualification requirements are in the procurement documents.
    'BT-821-Lot': 'epo-procurement-document',
    'BT-536-Lot': tender.agreement.startDate,
    'BT-537-Lot': tender.agreement.endDate,
    'BT-54-Lot': tender.agreement.options.length
      ? say(languages, (l) => words[l].options(tender.agreement.options.map((o) => o.durationMonths)))
      : undefined,
    // framework-agreement fa-wo-rc: the award makes framework agreements whose call-offs (the
    // yearly performance agreements) reopen no competition.
    'BT-765-Lot': 'fa-wo-rc',
    'BT-113-Lot': lot.maxSuppliers,
    // reserved-procurement: "ideelle" reservations (anskaffelsesforskriften § 30-2) have no eForms
    // code of their own; article 77's res-pub-ser is the nearest.
    'BT-71-Lot': tender.reservedForNonProfit ? 'res-pub-ser' : 'none',
    'BT-131(d)-Lot': tender.bidDeadline,
    'BT-17-Lot': 'required',
    // Bids may be written in the entity's language, and in English where the notice is.
    'BT-97-Lot': [...languages.filter((l) => l !== 'ENG'), ...languages.filter((l) => l === 'ENG')],
    criteria: tender.awardCriteria.map((c) => criterionTerms(c, languages)),
  };
};

/** What a bid is worth in a notice (BT-720-Tender): its evaluated price, unit prices × the lot's estimated volumes. */
export const tenderValue = (bid: { prices: { unit: string; unitPrice: number }[] }, lot: Lot): number =>
  evaluatedPrice(bid, lot);

/** A performance year's value: Σ unit price × volume, with its confirmed amendments. */
export const yearValue = (
  year: Pick<PerformanceYear, 'lines'>,
  amendments: Pick<Amendment, 'unit' | 'delta' | 'status'>[],
): number =>
  Math.round(
    year.lines.reduce(
      (sum, l) =>
        sum +
        l.unitPrice *
          (l.volume +
            amendments
              .filter((m) => m.status === 'confirmed' && m.unit === l.unit)
              .reduce((s, m) => s + m.delta, 0)),
      0,
    ) * 100,
  ) / 100;

/** The modification (BT-200, BT-201, BT-202 -Contract). */
export const modificationTerms = (
  agreement: Pick<Agreement, 'lotTitle'>,
  amendment: Pick<Amendment, 'unit' | 'delta' | 'reason' | 'year'>,
  reason: ModificationReason,
  languages: NoticeLanguage[],
  names: ReferenceNames,
) => ({
  'BT-200-Contract': reason,
  'BT-201-Contract': own(
    languages,
    amendment.reason,
    `Article 72 ${modificationReasons[reason]} of Directive 2014/24/EU`,
  ),
  'BT-202-Contract': say(
    languages,
    (l) =>
      `${agreement.lotTitle}: ${words[l].change(amendment.delta, unitName(names, amendment.unit, l), amendment.year)}`,
  ),
});
