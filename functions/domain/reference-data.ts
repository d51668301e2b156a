/**
 * Reference data from the seed texts (../shared/seeds; which text says what: docs/reference-data.md).
 * Static: it changes with a release, not through the API. Suppliers are the exception: they are
 * seeded from `seedSuppliers` and then managed by officers (stored in DynamoDB).
 */

export interface ProcuringEntity {
  id: string;
  name: string;
  country: 'NO' | 'DK';
  currency: 'NOK' | 'DKK';
  /** The language it publishes in (OCDS releases): Norwegian bokmål or Danish. */
  language: 'nb' | 'da';
}

/** hso-*.txt (Helse Sør-Øst RHF), helse-vest-samspel-med-private.txt, region-sjaelland-aleris-hamlet.txt */
export const entities: ProcuringEntity[] = [
  { id: 'helse-sor-ost', name: 'Helse Sør-Øst RHF', country: 'NO', currency: 'NOK', language: 'nb' },
  { id: 'helse-vest', name: 'Helse Vest RHF', country: 'NO', currency: 'NOK', language: 'nb' },
  { id: 'region-sjaelland', name: 'Region Sjælland', country: 'DK', currency: 'DKK', language: 'da' },
];

/**
 * What a notice names a procuring entity by (eForms BT-501, BT-510-BT-514, BT-507): its official
 * organisation number (Norwegian organisasjonsnummer in Enhetsregisteret; Danish CVR number), its
 * postal address and the NUTS 2024 level-3 region it lies in. Contact e-mail and telephone are not
 * reference data: a notice takes them as input.
 */
export interface EntityOrganisation {
  organisationNumber: string;
  /** Street or post-office box, as the entity publishes its postal address. */
  street: string;
  postalCode: string;
  city: string;
  nuts: string;
}

export const entityOrganisations: Record<string, EntityOrganisation> = {
  'helse-sor-ost': {
    organisationNumber: '991324968',
    street: 'Postboks 404',
    postalCode: '2303',
    city: 'Hamar',
    nuts: 'NO020',
  },
  'helse-vest': {
    organisationNumber: '983658725',
    street: 'Postboks 303 Forus',
    postalCode: '4066',
    city: 'Stavanger',
    nuts: 'NO0A1',
  },
  'region-sjaelland': {
    organisationNumber: '29190623',
    street: 'Alléen 15',
    postalCode: '4180',
    city: 'Sorø',
    nuts: 'DK022',
  },
};

export interface HospitalArea {
  id: string;
  name: string;
  entityId: string;
}

/**
 * Sykehusområder of Helse Sør-Øst (DOMAIN.md; hso-2022-helse-og-arbeid-avtaler.txt lists them per lot).
 * No text divides Helse Vest or Region Sjælland; each has one region-wide area until someone who
 * knows their geography adds the real ones (docs/reference-data.md).
 */
export const hospitalAreas: HospitalArea[] = [
  { id: 'ostfold', name: 'Sykehusområde Østfold', entityId: 'helse-sor-ost' },
  { id: 'akershus', name: 'Sykehusområde Akershus', entityId: 'helse-sor-ost' },
  { id: 'innlandet', name: 'Sykehusområde Innlandet', entityId: 'helse-sor-ost' },
  { id: 'oslo', name: 'Sykehusområde Oslo', entityId: 'helse-sor-ost' },
  { id: 'vestre-viken', name: 'Sykehusområde Vestre Viken', entityId: 'helse-sor-ost' },
  { id: 'telemark-vestfold', name: 'Sykehusområde Telemark og Vestfold', entityId: 'helse-sor-ost' },
  { id: 'sorlandet', name: 'Sykehusområde Sørlandet', entityId: 'helse-sor-ost' },
  { id: 'helse-vest-region', name: 'Helse Vest (hele regionen)', entityId: 'helse-vest' },
  { id: 'region-sjaelland-region', name: 'Region Sjælland (hele regionen)', entityId: 'region-sjaelland' },
];

export interface HospitalTrust {
  id: string;
  name: string;
  entityId: string;
  /** The hospital areas its catchment area (opptaksområde) lies in. */
  catchmentAreaIds: string[];
}

/** hso-2024-kjop-fra-private.txt names the three trusts of the colonoscopy tender. */
export const hospitalTrusts: HospitalTrust[] = [
  {
    id: 'sykehuset-innlandet',
    name: 'Sykehuset Innlandet HF',
    entityId: 'helse-sor-ost',
    catchmentAreaIds: ['innlandet'],
  },
  {
    id: 'sykehuset-telemark',
    name: 'Sykehuset Telemark HF',
    entityId: 'helse-sor-ost',
    catchmentAreaIds: ['telemark-vestfold'],
  },
  {
    id: 'sykehuset-i-vestfold',
    name: 'Sykehuset i Vestfold HF',
    entityId: 'helse-sor-ost',
    catchmentAreaIds: ['telemark-vestfold'],
  },
];

export interface ServiceArea {
  id: string;
  name: string;
  english: string;
  /** Where the term comes from: Norwegian (Helse Sør-Øst) or Danish (Region Sjælland) texts. */
  language: 'nb' | 'da';
}

const nb = (id: string, name: string, english: string): ServiceArea => ({
  id,
  name,
  english,
  language: 'nb',
});
const da = (id: string, name: string, english: string): ServiceArea => ({
  id,
  name,
  english,
  language: 'da',
});

/** Fagområder (hso-2024, hso-2022, hso-2013) and the specialties of region-sjaelland-aleris-hamlet.txt. */
export const serviceAreas: ServiceArea[] = [
  nb('rehabilitering', 'Rehabilitering', 'Rehabilitation'),
  nb(
    'tsb',
    'Tverrfaglig spesialisert rusbehandling (TSB)',
    'Interdisciplinary specialised substance abuse treatment',
  ),
  nb(
    'poliklinisk-laboratorievirksomhet',
    'Poliklinisk laboratorievirksomhet',
    'Outpatient laboratory services',
  ),
  nb('spiseforstyrrelser', 'Spiseforstyrrelser', 'Eating disorders'),
  nb('psykisk-helsevern', 'Psykisk helsevern', 'Mental health care'),
  nb('somatikk', 'Somatikk', 'Somatic care'),
  nb('radiologi', 'Radiologi', 'Radiology'),
  nb('helse-og-arbeid', 'Helse og arbeid', 'Health and work'),
  nb('hjerte', 'Hjerte', 'Cardiac care'),
  nb('koloskopi', 'Koloskopi', 'Colonoscopy'),
  da('ortopaedkirurgi', 'Ortopædkirurgi', 'Orthopaedic surgery'),
  da('rygkirurgi', 'Rygkirurgi', 'Spinal surgery'),
  da('kirurgi', 'Kirurgi', 'Surgery'),
  da('oere-naese-hals', 'Øre-næse-hals', 'Ear, nose and throat'),
  da('endokrinologi', 'Endokrinologi', 'Endocrinology'),
  da('non-malign-smertebehandling', 'Non-malign smertebehandling', 'Non-malignant pain treatment'),
  da('gastromedicin', 'Gastromedicin', 'Gastroenterology'),
  da('neurologi-og-neurofysiologi', 'Neurologi og neurofysiologi', 'Neurology and neurophysiology'),
  da('demens', 'Demens', 'Dementia'),
  da('kardiologi', 'Kardiologi', 'Cardiology'),
  da('urologi', 'Urologi', 'Urology'),
  da('reumatologi', 'Reumatologi', 'Rheumatology'),
  da('plastikkirurgi', 'Plastikkirurgi', 'Plastic surgery'),
  da('lungemedicin', 'Lungemedicin', 'Pulmonology'),
  da('radiologi-dk', 'Radiologi', 'Radiology'),
];

export interface Term {
  id: string;
  name: string;
  english: string;
  /** The Danish word, for what a Danish entity publishes (OCDS). */
  danish?: string;
}

/** Tjenesteform (DOMAIN.md; hso-2022: "dag- og døgnopphold", "poliklinisk behandling"). */
export const formsOfCare: Term[] = [
  { id: 'inpatient', name: 'Døgnopphold', english: 'Inpatient', danish: 'Indlæggelse' },
  { id: 'day', name: 'Dagopphold', english: 'Day patient', danish: 'Dagbehandling' },
  { id: 'outpatient', name: 'Poliklinisk', english: 'Outpatient', danish: 'Ambulant' },
];

/** Volume units (hso-2024: liggedøgn, utredninger, kontroller, konsultasjoner; region-sjaelland: henvisninger). */
export const volumeUnits: Term[] = [
  { id: 'liggedogn', name: 'Liggedøgn / oppholdsdøgn', english: 'Bed-days', danish: 'Sengedage' },
  { id: 'utredninger', name: 'Utredninger', english: 'Assessments', danish: 'Udredninger' },
  { id: 'kontroller', name: 'Kontroller', english: 'Follow-ups', danish: 'Kontroller' },
  { id: 'konsultasjoner', name: 'Konsultasjoner', english: 'Consultations', danish: 'Konsultationer' },
  { id: 'henvisninger', name: 'Henvisninger', english: 'Referrals', danish: 'Henvisninger' },
];

/**
 * CPV codes of health services the product knows, with their check digits (as published in the
 * eForms business rule BR-0075 list of Annex XIV services) and English labels. Other codes of the
 * right format are accepted unchecked: no rule the published check digits follow is known (see
 * cpvCodeSchema in tender.ts).
 */
export const knownCpvCodes: { code: string; english: string }[] = [
  { code: '85000000-9', english: 'Health and social work services' },
  { code: '85100000-0', english: 'Health services' },
  { code: '85110000-3', english: 'Hospital and related services' },
  { code: '85111000-0', english: 'Hospital services' },
  { code: '85111100-1', english: 'Surgical hospital services' },
  { code: '85111200-2', english: 'Medical hospital services' },
  { code: '85111400-4', english: 'Rehabilitation hospital services' },
  { code: '85111500-5', english: 'Psychiatric hospital services' },
  { code: '85111800-8', english: 'Pathology services' },
  { code: '85111810-1', english: 'Blood analysis services' },
  { code: '85120000-6', english: 'Medical practice and related services' },
  { code: '85121000-3', english: 'Medical practice services' },
  { code: '85121200-5', english: 'Medical specialist services' },
  { code: '85121231-1', english: 'Cardiology services' },
  { code: '85121251-7', english: 'Gastroenterologist services' },
  { code: '85121270-6', english: 'Psychiatrist or psychologist services' },
  { code: '85121283-0', english: 'Orthopaedic services' },
  { code: '85121292-6', english: 'Urologist services' },
  { code: '85121300-6', english: 'Surgical specialist services' },
  { code: '85140000-2', english: 'Miscellaneous health services' },
  { code: '85145000-7', english: 'Services provided by medical laboratories' },
  { code: '85150000-5', english: 'Medical imaging services' },
  { code: '85312500-4', english: 'Rehabilitation services' },
  { code: '85323000-9', english: 'Community health services' },
];

export type SupplierKind = 'ideell' | 'kommersiell' | 'unknown';

export interface DeliverySite {
  hospitalAreaId?: string;
  place: string;
}

export interface SeedSupplier {
  id: string;
  name: string;
  country: 'NO' | 'DK';
  kind: SupplierKind;
  deliverySites: DeliverySite[];
}

const sites = (hospitalAreaId: string, ...places: string[]): DeliverySite[] =>
  places.map((place) => ({ hospitalAreaId, place }));

/**
 * Suppliers named in hso-2022-helse-og-arbeid-avtaler.txt (with their areas) and
 * region-sjaelland-aleris-hamlet.txt. No text says which are ideell, so all are 'unknown'.
 * Where the text names an area pair ("Akershus og Østfold"), the sites are put in the area the
 * place lies in (Sarpsborg, Askim: Østfold; Ski: Akershus).
 */
export const seedSuppliers: SeedSupplier[] = [
  {
    id: 'norsk-arbeidshelse-as',
    name: 'Norsk Arbeidshelse AS',
    country: 'NO',
    kind: 'unknown',
    deliverySites: [
      ...sites('ostfold', 'Sarpsborg', 'Askim'),
      ...sites('akershus', 'Ski'),
      ...sites('oslo', 'Oslo'),
      ...sites('innlandet', 'Hamar', 'Lillehammer'),
      ...sites('telemark-vestfold', 'Porsgrunn', 'Tønsberg'),
      ...sites('sorlandet', 'Arendal', 'Kristiansand'),
    ],
  },
  {
    id: 'stiftelsen-catosenteret',
    name: 'Stiftelsen Catosenteret',
    country: 'NO',
    kind: 'unknown',
    deliverySites: sites('ostfold', 'Østfold'),
  },
  {
    id: 'unicare-bakke-as',
    name: 'Unicare Bakke AS',
    country: 'NO',
    kind: 'unknown',
    deliverySites: sites('ostfold', 'Østfold'),
  },
  {
    id: 'stiftelsen-hernes-institutt',
    name: 'Stiftelsen Hernes Institutt',
    country: 'NO',
    kind: 'unknown',
    deliverySites: sites('innlandet', 'Akershus og Innlandet'),
  },
  {
    id: 'skogli-helse-og-rehabilitering-as',
    name: 'Skogli Helse og Rehabilitering AS',
    country: 'NO',
    kind: 'unknown',
    deliverySites: sites('innlandet', 'Akershus og Innlandet'),
  },
  {
    id: 'vikersund-bad-og-rehabiliteringssenter-as',
    name: 'Vikersund Bad og Rehabiliteringssenter AS',
    country: 'NO',
    kind: 'unknown',
    deliverySites: sites('vestre-viken', 'Vestre Viken'),
  },
  {
    id: 'unicare-fram-as',
    name: 'Unicare Fram AS',
    country: 'NO',
    kind: 'unknown',
    deliverySites: sites('vestre-viken', 'Vestre Viken'),
  },
  {
    id: 'rehabiliteringssenteret-air-as',
    name: 'Rehabiliteringssenteret AiR AS',
    country: 'NO',
    kind: 'unknown',
    deliverySites: [...sites('telemark-vestfold', 'Telemark og Vestfold'), ...sites('oslo', 'Oslo')],
  },
  {
    id: 'sorlandet-rehabiliteringssenter-eiken-as',
    name: 'Sørlandet Rehabiliteringssenter Eiken AS',
    country: 'NO',
    kind: 'unknown',
    deliverySites: sites('sorlandet', 'Sørlandet'),
  },
  {
    id: 'falck-norge-as',
    name: 'Falck Norge AS',
    country: 'NO',
    kind: 'unknown',
    deliverySites: [...sites('innlandet', 'Akershus og Innlandet'), ...sites('oslo', 'Oslo')],
  },
  {
    id: 'unicare-steffensrud-as',
    name: 'Unicare Steffensrud AS',
    country: 'NO',
    kind: 'unknown',
    deliverySites: sites('innlandet', 'Akershus og Innlandet'),
  },
  {
    id: 'unicare-norge-as-friskvern',
    name: 'Unicare Norge AS Friskvern',
    country: 'NO',
    kind: 'unknown',
    deliverySites: sites('vestre-viken', 'Vestre Viken'),
  },
  {
    id: 'aleris-hamlet',
    name: 'Aleris Hamlet',
    country: 'DK',
    kind: 'kommersiell',
    // Ringsted lies in Region Sjælland; Søborg (Gladsaxe) in the Capital Region, outside its areas.
    deliverySites: [{ hospitalAreaId: 'region-sjaelland-region', place: 'Ringsted' }, { place: 'Søborg' }],
  },
];

const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
const entityMap = byId(entities);
const areaMap = byId(hospitalAreas);
const serviceAreaMap = byId(serviceAreas);
const formMap = byId(formsOfCare);
const unitMap = byId(volumeUnits);

export const entityById = (id: string): ProcuringEntity | undefined => entityMap.get(id);
export const hospitalAreaById = (id: string): HospitalArea | undefined => areaMap.get(id);
export const isKnownServiceArea = (id: string): boolean => serviceAreaMap.has(id);
export const isKnownFormOfCare = (id: string): boolean => formMap.has(id);
export const isKnownVolumeUnit = (id: string): boolean => unitMap.has(id);
export const serviceAreaById = (id: string): ServiceArea | undefined => serviceAreaMap.get(id);
export const formOfCareById = (id: string): Term | undefined => formMap.get(id);
export const volumeUnitById = (id: string): Term | undefined => unitMap.get(id);
const cpvMap = new Map(knownCpvCodes.map((c) => [c.code.slice(0, 8), c]));
/** The check digit of a known CPV code (its 8 digits); undefined for a code the product does not know. */
export const cpvCheckDigit = (digits: string): string | undefined => cpvMap.get(digits)?.code.slice(9);
/** The English label of a known CPV code (with or without its check digit). */
export const cpvLabel = (code: string): string | undefined => cpvMap.get(code.slice(0, 8))?.english;

/** The ids among `ids` that are not hospital areas of `entityId`. */
export const unknownHospitalAreas = (entityId: string, ids: string[]): string[] =>
  ids.filter((id) => areaMap.get(id)?.entityId !== entityId);
