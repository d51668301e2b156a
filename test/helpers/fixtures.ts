/**
 * Shared fixtures of the tests and the demo (scripts/demo/): the colonoscopy tender and the Helse og
 * arbeid agreements from the seeds, the seeded suppliers they use, API Gateway v2 events. Clone
 * before changing. Nothing here may import vitest: the demo runs outside the test runner.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import type { Role } from '../../functions/domain/actors.ts';
import { nowMs } from '../../functions/shared/clock.ts';

export const DAY = 86_400_000;

// `now` defaults to the process's product clock (functions/shared/clock.ts): in a test with a local
// stack that is the stack's clock (it starts at TEST_START), elsewhere the machine's time.

/** A deadline `days` from `now`, at noon UTC. */
export const deadlineIn = (days: number, now = nowMs()): string => {
  const d = new Date(now + days * DAY);
  d.setUTCHours(12, 0, 0, 0);
  return d.toISOString();
};

/** Two years from the first day of the month three months after `now` (after deadline and standstill). */
export const agreementPlan = (now = nowMs()) => {
  const start = new Date(now);
  start.setUTCMonth(start.getUTCMonth() + 3, 1);
  const end = new Date(start);
  end.setUTCFullYear(end.getUTCFullYear() + 2);
  end.setUTCDate(end.getUTCDate() - 1);
  return {
    startDate: start.toISOString().slice(0, 10),
    endDate: end.toISOString().slice(0, 10),
    options: [{ durationMonths: 12 }],
  };
};

/**
 * The colonoscopy tender of hso-2024-kjop-fra-private.txt. Its CPV codes and estimated value are
 * the fixture's own (the seed gives none): 750 consultations a year in each lot at about NOK 2 500,
 * for the two years and the one-year option. Its lots carry no value of their own (tests copy them
 * by the dozen), `colonoscopyLotValues` gives them one.
 */
export const colonoscopyTender = (now = nowMs()) => ({
  title: 'Koloskopi i Innlandet, Vestfold og Telemark',
  serviceAreaIds: ['koloskopi'],
  cpvCodes: ['85121251-7', '85121200-5'],
  estimatedValue: { amount: 11_250_000, currency: 'NOK' as const },
  lots: [
    {
      id: 'innlandet',
      title: 'Opptaksområdet til Sykehuset Innlandet HF',
      hospitalAreaIds: ['innlandet'],
      formsOfCare: ['outpatient'],
      estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 750 }],
      minSuppliers: 1,
      maxSuppliers: 1,
    },
    {
      id: 'telemark-vestfold',
      title: 'Opptaksområdet til Sykehuset Telemark HF og Sykehuset i Vestfold HF',
      hospitalAreaIds: ['telemark-vestfold'],
      formsOfCare: ['outpatient'],
      estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 750 }],
      minSuppliers: 1,
      maxSuppliers: 2,
    },
  ],
  awardCriteria: [
    { id: 'pris', name: 'Pris', kind: 'price' as const, weight: 40 },
    { id: 'kvalitet', name: 'Kvalitet', kind: 'quality' as const, weight: 40 },
    { id: 'tilgjengelighet', name: 'Tilgjengelighet', kind: 'accessibility' as const, weight: 20 },
  ],
  qualificationRequirements: [{ id: 'autorisasjon', text: 'Helsepersonell med norsk autorisasjon' }],
  bidDeadline: deadlineIn(30, now),
  agreement: agreementPlan(now),
  standstillDays: 10,
});

/** The colonoscopy tender with each lot's estimated value: half the tender's each. */
export const colonoscopyLotValues = (now = nowMs()) => {
  const t = colonoscopyTender(now);
  return { ...t, lots: t.lots.map((l) => ({ ...l, estimatedValue: { amount: 5_625_000 } })) };
};

/** Region Sjælland's fifteen specialties in region-sjaelland-aleris-hamlet.txt. */
export const SJAELLAND_SPECIALTIES = [
  'ortopaedkirurgi',
  'rygkirurgi',
  'kirurgi',
  'oere-naese-hals',
  'endokrinologi',
  'non-malign-smertebehandling',
  'gastromedicin',
  'neurologi-og-neurofysiologi',
  'demens',
  'kardiologi',
  'urologi',
  'reumatologi',
  'plastikkirurgi',
  'lungemedicin',
  'radiologi-dk',
];

/**
 * The partnership of region-sjaelland-aleris-hamlet.txt as one tender: fifteen specialties, every
 * form of care, one supplier, patients referred (henvisninger; close to 30 000 worth about DKK 225
 * million in 2018), treated where the supplier has its hospitals (Ringsted in the region, Søborg
 * outside it). Its CPV codes and the value for two years at the 2018 level are the fixture's own.
 */
export const partnershipTender = (now = nowMs()) => ({
  title: 'Partnerskabsaftale om udredning og behandling på privathospital',
  serviceAreaIds: [...SJAELLAND_SPECIALTIES],
  cpvCodes: ['85100000-0', '85121200-5', '85111100-1', '85150000-5'],
  estimatedValue: { amount: 450_000_000, currency: 'DKK' as const },
  lots: [
    {
      id: 'partnerskab',
      title: 'Udredning og behandling inden for femten specialer',
      hospitalAreaIds: ['region-sjaelland-region'],
      formsOfCare: ['outpatient', 'day', 'inpatient'],
      deliveryOutsideAreasAllowed: true,
      estimatedValue: { amount: 450_000_000 },
      estimatedVolumes: [{ unit: 'henvisninger', quantity: 30_000 }],
      minSuppliers: 1,
      maxSuppliers: 1,
    },
  ],
  awardCriteria: [
    { id: 'pris', name: 'Pris', kind: 'price' as const, weight: 40 },
    { id: 'kvalitet', name: 'Kvalitet og patientforløb', kind: 'quality' as const, weight: 60 },
  ],
  qualificationRequirements: [{ id: 'autorisation', text: 'Sundhedspersoner med dansk autorisation' }],
  bidDeadline: deadlineIn(30, now),
  agreement: agreementPlan(now),
  standstillDays: 10,
});

/** Aleris Hamlet's bid for the partnership: Ringsted in the region, Søborg outside it. */
export const partnershipBid = (unitPrice = 7_500) => ({
  prices: [{ unit: 'henvisninger', unitPrice }],
  capacity: [{ unit: 'henvisninger', quantity: 30_000 }],
  deliverySites: [{ place: 'Ringsted', hospitalAreaId: 'region-sjaelland-region' }, { place: 'Søborg' }],
  answers: [{ criterionId: 'kvalitet', text: 'Sammenhængende forløb med regionens sygehuse.' }],
  confirmations: [{ requirementId: 'autorisation', confirmed: true as const }],
});

export interface Who {
  role: Role;
  entity?: string;
  supplier?: string;
  sub?: string;
}

export const claimsFor = (who: Who) => ({
  sub: who.sub ?? `${who.role}-${who.entity ?? who.supplier}`,
  name: `Test ${who.role}`,
  'cognito:groups': [who.role],
  ...(who.entity ? { 'custom:entity': who.entity } : {}),
  ...(who.supplier ? { 'custom:supplier': who.supplier } : {}),
});

/** An API Gateway v2 (HTTP API) event as API Gateway sends it after the JWT authorizer. */
export const apiEvent = (
  routeKey: string,
  options: {
    who?: Who;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer => {
  const [method, template] = routeKey.split(' ') as [string, string];
  const rawPath = Object.entries(options.pathParameters ?? {}).reduce(
    (path, [k, v]) => path.replace(`{${k}}`, v),
    template,
  );
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test.local',
      domainPrefix: 'test',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: options.who ? claimsFor(options.who) : {}, scopes: [] },
      },
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
};

export const lambdaContext = (): Context =>
  ({
    awsRequestId: 'req-1',
    functionName: 'test',
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

export const officerOf = (entity = 'helse-sor-ost'): Who => ({ role: 'officer', entity });

/** A valid bid for a lot of the colonoscopy tender, confirming the requirements `requirementIds`. */
export const colonoscopyBid = (
  lotId: 'innlandet' | 'telemark-vestfold',
  unitPrice: number,
  capacity = 800,
  requirementIds: readonly string[] = ['autorisasjon'],
) => ({
  prices: [{ unit: 'konsultasjoner', unitPrice }],
  capacity: [{ unit: 'konsultasjoner', quantity: capacity }],
  deliverySites: [
    lotId === 'innlandet'
      ? { place: 'Hamar', hospitalAreaId: 'innlandet' }
      : { place: 'Tønsberg', hospitalAreaId: 'telemark-vestfold' },
  ],
  answers: [
    {
      criterionId: 'kvalitet',
      text: 'Gastroenterologer med lang erfaring; kvalitetsregister for koloskopi.',
    },
    { criterionId: 'tilgjengelighet', text: 'Time innen 14 dager, kveldsåpent to dager i uken.' },
  ],
  confirmations: requirementIds.map((requirementId) => ({ requirementId, confirmed: true as const })),
});

/** Seeded suppliers (GET /reference/suppliers) that bid for the colonoscopy tender. */
export const SUPPLIERS = [
  'norsk-arbeidshelse-as',
  'falck-norge-as',
  'unicare-steffensrud-as',
  'rehabiliteringssenteret-air-as',
] as const;

/** A lot of the Helse og arbeid agreements and the seeded suppliers that hold it. */
export interface HelseOgArbeidLot {
  title: string;
  formOfCare: 'inpatient' | 'day' | 'outpatient';
  /** The area's name in the seed text. */
  area: string;
  /** Its hospital areas; none for the whole region (every hospital area of Helse Sør-Øst). */
  hospitalAreaIds?: string[];
  supplierIds: string[];
}

const rehabilitation = (
  formOfCare: 'inpatient' | 'day',
  area: string,
  hospitalAreaIds: string[],
  supplierIds: string[],
): HelseOgArbeidLot => ({
  title: `Arbeidsrettet rehabilitering, ${formOfCare === 'inpatient' ? 'døgnopphold' : 'dagopphold'}`,
  formOfCare,
  area: `Sykehusområde ${area}`,
  hospitalAreaIds,
  supplierIds,
});

/**
 * The Helse og arbeid framework agreements of Helse Sør-Øst from the seed text
 * hso-2022-helse-og-arbeid-avtaler.txt: 1 January 2023 to 31 December 2026, with options.
 */
export const helseOgArbeidLots: HelseOgArbeidLot[] = [
  {
    title: 'Psykisk helsevern – arbeidsrettet poliklinisk behandling',
    formOfCare: 'outpatient',
    area: 'Hele regionen',
    supplierIds: ['norsk-arbeidshelse-as'],
  },
  rehabilitation('inpatient', 'Østfold', ['ostfold'], ['stiftelsen-catosenteret', 'unicare-bakke-as']),
  rehabilitation(
    'inpatient',
    'Akershus og Innlandet',
    ['akershus', 'innlandet'],
    ['stiftelsen-hernes-institutt', 'skogli-helse-og-rehabilitering-as'],
  ),
  rehabilitation(
    'inpatient',
    'Vestre Viken',
    ['vestre-viken'],
    ['vikersund-bad-og-rehabiliteringssenter-as', 'unicare-fram-as'],
  ),
  rehabilitation(
    'inpatient',
    'Telemark og Vestfold',
    ['telemark-vestfold'],
    ['rehabiliteringssenteret-air-as'],
  ),
  rehabilitation('inpatient', 'Sørlandet', ['sorlandet'], ['sorlandet-rehabiliteringssenter-eiken-as']),
  rehabilitation('day', 'Østfold', ['ostfold'], ['stiftelsen-catosenteret', 'unicare-bakke-as']),
  rehabilitation(
    'day',
    'Akershus og Innlandet',
    ['akershus', 'innlandet'],
    ['falck-norge-as', 'unicare-steffensrud-as'],
  ),
  rehabilitation(
    'day',
    'Vestre Viken',
    ['vestre-viken'],
    ['vikersund-bad-og-rehabiliteringssenter-as', 'unicare-norge-as-friskvern'],
  ),
  rehabilitation('day', 'Oslo', ['oslo'], ['rehabiliteringssenteret-air-as', 'falck-norge-as']),
  rehabilitation('day', 'Sørlandet', ['sorlandet'], ['sorlandet-rehabiliteringssenter-eiken-as']),
];

/**
 * The body of POST /agreements that registers a Helse og arbeid agreement as an existing one.
 * Volumes and prices are not in the seed text: these figures are ours.
 */
export const helseOgArbeidAgreement = (
  lot: HelseOgArbeidLot,
  supplierId: string,
  hospitalAreaIds: string[],
  deliverySites: { place: string; hospitalAreaId: string }[],
) => {
  const unit = lot.formOfCare === 'inpatient' ? 'liggedogn' : 'konsultasjoner';
  return {
    title: `Helse og arbeid: ${lot.title}`,
    supplierId,
    serviceAreaId: 'helse-og-arbeid',
    lot: {
      id: `${lot.formOfCare}-${hospitalAreaIds.join('-')}`.slice(0, 60),
      title: `${lot.title} – ${lot.area}`,
      hospitalAreaIds,
      formOfCare: lot.formOfCare,
    },
    startDate: '2023-01-01',
    endDate: '2026-12-31',
    options: [{ durationMonths: 12 }, { durationMonths: 12 }],
    optionNoticeDays: 30,
    prices: [{ unit, unitPrice: unit === 'liggedogn' ? 4200 : 1300 }],
    volumes: [{ unit, quantity: unit === 'liggedogn' ? 3000 : 2500 }],
    deliverySites: deliverySites.length
      ? deliverySites
      : [{ place: lot.area, hospitalAreaId: hospitalAreaIds[0] as string }],
  };
};
