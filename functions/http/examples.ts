/**
 * Examples of the route descriptions (shown in Swagger UI at /docs): one story from the seed texts,
 * told with the product's own vocabulary. Helse Sør-Øst's colonoscopy tender (lots `innlandet` and
 * `telemark-vestfold`, bids of norsk-arbeidshelse-as and falck-norge-as) and its Helse og arbeid
 * agreements (falck-norge-as, day rehabilitation in Oslo). Plain data, no imports: the routes'
 * documentation (functions/http/docs/) imports it, never the routes themselves, so only docsApi
 * bundles it; test/unit/openapi.test.ts parses every example with its route's own schemas, so an
 * example cannot say what the route would refuse or never answer.
 */

// Ids as the product makes them: a prefix and 32 hex digits.
export const ids = {
  tender: 'tnd_398ea5034cb2ae8e1d412d0798f3cfdd',
  successorTender: 'tnd_bae2acd8ddd21887f1fa8dfa01531ccd',
  bidInnlandet: 'bid_b28e3268e968795006f95a08d69ac653',
  bidTelemarkVestfold: 'bid_745b7d25adbbe5e6052c16dafe5c9994',
  question: 'qst_f15c5017d720ac0fde791c43ff602296',
  agreement: 'agr_7a2dce12d5d0a4cea91127e9684d96d9',
  amendment: 'amd_afe65926ad3a6a4903dfbe7470ac5b45',
  notification: 'ntf_5b384d30752c43a41fe295094a533f16',
} as const;

const officer = { sub: 'c0a8f3e2-officer-hso', name: 'Kari Nordmann' };
const evaluator = { sub: 'c0a8f3e2-evaluator-hso', name: 'Ola Hansen' };
const executionArn = `arn:aws:states:eu-north-1:123456789012:execution:helsekjop-tenderLifecycle:${ids.tender}`;

// ---------------------------------------------------------------------------------------------
// Tenders

const colonoscopyLots = [
  {
    id: 'innlandet',
    title: 'Opptaksområdet til Sykehuset Innlandet HF',
    hospitalAreaIds: ['innlandet'],
    formsOfCare: ['outpatient'],
    estimatedValue: { amount: 5_625_000 },
    estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 750 }],
    minSuppliers: 1,
    maxSuppliers: 1,
  },
  {
    id: 'telemark-vestfold',
    title: 'Opptaksområdet til Sykehuset Telemark HF og Sykehuset i Vestfold HF',
    hospitalAreaIds: ['telemark-vestfold'],
    formsOfCare: ['outpatient'],
    estimatedValue: { amount: 5_625_000 },
    estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 750 }],
    minSuppliers: 1,
    maxSuppliers: 2,
  },
];

const awardCriteria = [
  { id: 'pris', name: 'Pris', kind: 'price', weight: 40 },
  { id: 'kvalitet', name: 'Kvalitet', kind: 'quality', weight: 40 },
  { id: 'tilgjengelighet', name: 'Tilgjengelighet', kind: 'accessibility', weight: 20 },
];
const qualificationRequirements = [{ id: 'autorisasjon', text: 'Helsepersonell med norsk autorisasjon' }];

/** POST /tenders: the colonoscopy tender of hso-2024-kjop-fra-private.txt as an officer drafts it. */
export const createTenderExample = {
  title: 'Koloskopi i Innlandet, Vestfold og Telemark',
  description:
    'Kjøp av koloskopi fra private leverandører for opptaksområdene til Sykehuset Innlandet HF, Sykehuset Telemark HF og Sykehuset i Vestfold HF.',
  serviceAreaIds: ['koloskopi'],
  cpvCodes: ['85121251-7', '85121200-5'],
  estimatedValue: { amount: 11_250_000, currency: 'NOK' },
  lots: colonoscopyLots,
  awardCriteria,
  qualificationRequirements,
  bidDeadline: '2027-01-15T12:00:00.000Z',
  agreement: { startDate: '2027-04-01', endDate: '2029-03-31', options: [{ durationMonths: 12 }] },
  standstillDays: 10,
};

/** The colonoscopy tender as the API answers it (a draft). */
export const tenderDraftExample = {
  id: ids.tender,
  entityId: 'helse-sor-ost',
  status: 'draft',
  title: createTenderExample.title,
  description: createTenderExample.description,
  serviceAreaIds: ['koloskopi'],
  cpvCodes: ['85121251-7', '85121200-5'],
  estimatedValue: { amount: 11_250_000, currency: 'NOK' },
  currency: 'NOK',
  lots: colonoscopyLots.map((l) => ({ ...l, estimatedValue: { amount: 5_625_000, currency: 'NOK' } })),
  awardCriteria,
  qualificationRequirements,
  bidDeadline: '2027-01-15T12:00:00.000Z',
  agreement: {
    startDate: '2027-04-01',
    endDate: '2029-03-31',
    options: [{ durationMonths: 12 }],
    optionNoticeDays: 90,
  },
  standstillDays: 10,
  createdAt: '2026-11-02T09:14:03.000Z',
  createdBy: officer,
  updatedAt: '2026-11-02T09:14:03.000Z',
  questionsCloseHours: 72,
  minEvaluators: 1,
  version: 1,
};

/** The colonoscopy tender once announced: open for questions and bids until its deadline. */
export const tenderAnnouncedExample = {
  ...tenderDraftExample,
  status: 'tendering',
  updatedAt: '2026-11-09T08:00:00.000Z',
  announcedAt: '2026-11-09T08:00:00.000Z',
  executionArn,
  version: 3,
};

/** The colonoscopy tender after its deadline passed and the bids were opened. */
export const tenderInEvaluationExample = {
  ...tenderAnnouncedExample,
  status: 'evaluation',
  updatedAt: '2027-01-15T12:00:01.000Z',
  openedAt: '2027-01-15T12:00:00.000Z',
  version: 5,
};

export const patchTenderExample = {
  version: 1,
  bidDeadline: '2027-01-22T12:00:00.000Z',
  standstillDays: 14,
};

export const announceTenderExample = { version: 2 };

export const extendDeadlineExample = {
  version: 3,
  bidDeadline: '2027-01-29T12:00:00.000Z',
  reason: 'Flere leverandører har bedt om mer tid til å dokumentere kapasiteten i Telemark og Vestfold.',
};

export const changeTenderExample = {
  version: 3,
  reason: 'Anslått volum i Telemark og Vestfold er økt etter ny behovsvurdering fra helseforetakene.',
  lots: [
    colonoscopyLots[0],
    { ...colonoscopyLots[1], estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 1_000 }] },
  ],
};

export const changeTenderResultExample = {
  tender: {
    ...tenderAnnouncedExample,
    lots: tenderAnnouncedExample.lots.map((l) =>
      l.id === 'telemark-vestfold'
        ? { ...l, estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 1_000 }] }
        : l,
    ),
    version: 4,
  },
  invalidatedBids: 1,
  affectedLotIds: ['telemark-vestfold'],
};

export const cancelTenderExample = {
  version: 3,
  reason: 'Sykehuset Innlandet HF har fått økt egen kapasitet; behovet i delområdet er bortfalt.',
  lotIds: ['innlandet'],
};

export const tenderWithCancelledLotExample = {
  ...tenderAnnouncedExample,
  lotOutcomes: {
    innlandet: {
      status: 'cancelled',
      reason: cancelTenderExample.reason,
      at: '2026-12-01T10:30:00.000Z',
    },
  },
  updatedAt: '2026-12-01T10:30:00.000Z',
  version: 4,
};

export const tenderWorkflowExample = {
  executionArn,
  status: 'RUNNING',
  startDate: '2026-11-09T08:00:00.000Z',
  events: [
    { id: 1, type: 'ExecutionStarted', timestamp: '2026-11-09T08:00:00.000Z' },
    {
      id: 2,
      type: 'TaskStateEntered',
      timestamp: '2026-11-09T08:00:00.100Z',
      stateEnteredEventDetails: { name: 'LoadTender' },
    },
  ],
};

export const versionExample = { version: 5 };

export const tenderRankingRequestedExample = {
  ...tenderInEvaluationExample,
  rankingRequestedAt: '2027-02-10T13:00:00.000Z',
  updatedAt: '2027-02-10T13:00:00.000Z',
  version: 6,
};

export const rankingExample = {
  tenderId: ids.tender,
  rankedAt: '2027-02-10T13:00:04.000Z',
  lots: [
    {
      lotId: 'innlandet',
      status: 'ranked',
      ranking: [
        {
          rank: 1,
          bidId: ids.bidInnlandet,
          supplierId: 'norsk-arbeidshelse-as',
          evaluatedPrice: 1_837_500,
          points: { pris: 40, kvalitet: 34, tilgjengelighet: 18 },
          qualityPoints: 52,
          total: 92,
          evaluators: 2,
          receivedAt: '2027-01-14T15:22:10.000Z',
        },
      ],
    },
    {
      lotId: 'telemark-vestfold',
      status: 'ranked',
      ranking: [
        {
          rank: 1,
          bidId: ids.bidTelemarkVestfold,
          supplierId: 'falck-norge-as',
          evaluatedPrice: 1_800_000,
          points: { pris: 40, kvalitet: 30, tilgjengelighet: 16 },
          qualityPoints: 46,
          total: 86,
          evaluators: 2,
          receivedAt: '2027-01-15T09:41:57.000Z',
        },
      ],
    },
  ],
};

export const awardExample = {
  tenderId: ids.tender,
  status: 'standstill',
  revision: 1,
  approvedAt: '2027-02-12T10:00:00.000Z',
  standstillEndsAt: '2027-02-22T10:00:00.000Z',
  lots: [
    {
      lotId: 'innlandet',
      status: 'awarded',
      winners: [{ bidId: ids.bidInnlandet, supplierId: 'norsk-arbeidshelse-as', rank: 1, total: 92 }],
    },
    {
      lotId: 'telemark-vestfold',
      status: 'awarded',
      winners: [{ bidId: ids.bidTelemarkVestfold, supplierId: 'falck-norge-as', rank: 1, total: 86 }],
    },
  ],
};

export const reviseAwardExample = {
  version: 7,
  reason: 'Klage fra en leverandør viste at kvalitetspoengene i delområde Innlandet må vurderes på nytt.',
};

export const tenderRevisedExample = {
  ...tenderInEvaluationExample,
  updatedAt: '2027-02-15T09:00:00.000Z',
  version: 8,
};

// ---------------------------------------------------------------------------------------------
// Questions, bids, qualification and scores

export const askQuestionExample = {
  lotId: 'telemark-vestfold',
  text: 'Kan tilbudt kapasitet fordeles på to behandlingssteder i Vestfold?',
};

export const questionExample = {
  id: ids.question,
  tenderId: ids.tender,
  lotId: 'telemark-vestfold',
  text: askQuestionExample.text,
  askedAt: '2026-11-20T10:12:00.000Z',
  askedByYou: true,
  version: 1,
};

export const answerQuestionExample = {
  version: 1,
  text: 'Ja, så lenge hvert behandlingssted ligger i sykehusområde Telemark og Vestfold og oppgis i tilbudet.',
};

const { askedByYou: _asker, ...questionSeenByOfficer } = questionExample;
export const answeredQuestionExample = {
  ...questionSeenByOfficer,
  answer: { text: answerQuestionExample.text, at: '2026-11-21T08:30:00.000Z' },
  version: 2,
};

/** PUT …/lots/telemark-vestfold/bid: falck-norge-as's bid for the colonoscopy tender. */
export const bidExample = {
  prices: [{ unit: 'konsultasjoner', unitPrice: 2_400 }],
  capacity: [{ unit: 'konsultasjoner', quantity: 800 }],
  deliverySites: [{ place: 'Tønsberg', hospitalAreaId: 'telemark-vestfold' }],
  answers: [
    {
      criterionId: 'kvalitet',
      text: 'Gastroenterologer med lang erfaring; kvalitetsregister for koloskopi.',
    },
    { criterionId: 'tilgjengelighet', text: 'Time innen 14 dager, kveldsåpent to dager i uken.' },
  ],
  confirmations: [{ requirementId: 'autorisasjon', confirmed: true }],
};

export const receiptExample = {
  bidId: ids.bidTelemarkVestfold,
  tenderId: ids.tender,
  lotId: 'telemark-vestfold',
  version: 1,
  status: 'submitted',
  receivedAt: '2027-01-15T09:41:57.000Z',
  contentSha256: '9b74c9897bac770ffc029102a200c5de3f4ecb1ff6e4b2f5d8e8a1c2b3d4e5f6',
};

export const withdrawalReceiptExample = {
  ...receiptExample,
  version: 2,
  status: 'withdrawn',
  receivedAt: '2027-01-15T10:05:12.000Z',
};

export const bidResultExample = {
  id: ids.bidTelemarkVestfold,
  tenderId: ids.tender,
  lotId: 'telemark-vestfold',
  supplierId: 'falck-norge-as',
  status: 'submitted',
  ...bidExample,
  receivedAt: receiptExample.receivedAt,
  contentSha256: receiptExample.contentSha256,
  version: 1,
};

export const ownBidExample = { bid: bidResultExample, receipt: receiptExample };

export const bidCountsExample = {
  sealed: true,
  lots: [
    { lotId: 'innlandet', bids: 2 },
    { lotId: 'telemark-vestfold', bids: 3 },
  ],
};

export const qualifyBidExample = { version: 1, qualified: true };

export const qualifiedBidExample = {
  ...bidResultExample,
  status: 'qualified',
  qualification: { qualified: true, at: '2027-01-20T11:00:00.000Z' },
  version: 2,
};

export const scoresBodyExample = {
  scores: [
    { criterionId: 'kvalitet', score: 7.5, comment: 'Godt dokumentert kvalitetsarbeid.' },
    { criterionId: 'tilgjengelighet', score: 8 },
  ],
};

export const scoresExample = {
  bidId: ids.bidTelemarkVestfold,
  evaluator,
  scores: scoresBodyExample.scores,
  at: '2027-02-01T14:20:00.000Z',
  version: 1,
};

// ---------------------------------------------------------------------------------------------
// Reference data and suppliers

export const entitiesExample = {
  items: [
    { id: 'helse-sor-ost', name: 'Helse Sør-Øst RHF', country: 'NO', currency: 'NOK', language: 'nb' },
    { id: 'region-sjaelland', name: 'Region Sjælland', country: 'DK', currency: 'DKK', language: 'da' },
  ],
};

export const hospitalAreasExample = {
  items: [
    { id: 'innlandet', name: 'Sykehusområde Innlandet', entityId: 'helse-sor-ost' },
    { id: 'telemark-vestfold', name: 'Sykehusområde Telemark og Vestfold', entityId: 'helse-sor-ost' },
    {
      id: 'bergen',
      name: 'Sykehusområde Bergen',
      managed: true,
      entityId: 'helse-vest',
      createdAt: '2026-11-20T10:00:00.000Z',
      updatedAt: '2026-11-20T10:00:00.000Z',
      version: 1,
    },
  ],
};

export const hospitalTrustsExample = {
  items: [
    {
      id: 'sykehuset-innlandet',
      name: 'Sykehuset Innlandet HF',
      entityId: 'helse-sor-ost',
      catchmentAreaIds: ['innlandet'],
    },
  ],
};

export const serviceAreasExample = {
  items: [
    { id: 'koloskopi', name: 'Koloskopi', english: 'Colonoscopy', language: 'nb' },
    { id: 'helse-og-arbeid', name: 'Helse og arbeid', english: 'Health and work', language: 'nb' },
  ],
};

export const formsOfCareExample = {
  items: [
    { id: 'day', name: 'Dagopphold', english: 'Day patient', danish: 'Dagbehandling' },
    { id: 'outpatient', name: 'Poliklinisk', english: 'Outpatient', danish: 'Ambulant' },
  ],
};

export const volumeUnitsExample = {
  items: [
    { id: 'konsultasjoner', name: 'Konsultasjoner', english: 'Consultations', danish: 'Konsultationer' },
    { id: 'liggedogn', name: 'Liggedøgn / oppholdsdøgn', english: 'Bed-days', danish: 'Sengedage' },
    {
      id: 'laboratorieanalyser',
      name: 'Laboratorieanalyser',
      english: 'Laboratory analyses',
      danish: 'Laboratorieanalyser',
      managed: true,
      entityId: 'helse-sor-ost',
      createdAt: '2026-11-20T10:00:00.000Z',
      updatedAt: '2026-11-20T10:00:00.000Z',
      version: 1,
    },
  ],
};

/** What a managed item shows beside its names (GET lists, POST and PATCH answers). */
const managedBy = (entityId: string, version = 1, updatedAt = '2026-11-20T10:00:00.000Z') => ({
  managed: true,
  entityId,
  createdAt: '2026-11-20T10:00:00.000Z',
  updatedAt,
  version,
});

/** Outpatient laboratory services count analyses, a unit no seed text lists (issue 12). */
export const createVolumeUnitExample = {
  id: 'laboratorieanalyser',
  name: 'Laboratorieanalyser',
  english: 'Laboratory analyses',
  danish: 'Laboratorieanalyser',
};
export const createdVolumeUnitExample = { ...createVolumeUnitExample, ...managedBy('helse-sor-ost') };
export const patchVolumeUnitExample = { version: 1, english: 'Laboratory tests' };
export const volumeUnitUpdatedExample = {
  ...createdVolumeUnitExample,
  english: 'Laboratory tests',
  ...managedBy('helse-sor-ost', 2, '2026-11-21T08:15:00.000Z'),
};

export const createServiceAreaExample = {
  id: 'klinisk-farmakologi',
  name: 'Klinisk farmakologi',
  english: 'Clinical pharmacology',
};
export const createdServiceAreaExample = {
  ...createServiceAreaExample,
  language: 'nb',
  ...managedBy('helse-sor-ost'),
};
export const patchServiceAreaExample = { version: 1, name: 'Klinisk farmakologi og legemiddelanalyser' };
export const serviceAreaUpdatedExample = {
  ...createdServiceAreaExample,
  name: patchServiceAreaExample.name,
  ...managedBy('helse-sor-ost', 2, '2026-11-21T08:15:00.000Z'),
};

/** Helse Vest divides its region (it has one region-wide area until its officers add theirs). */
export const createHospitalAreaExample = { id: 'bergen', name: 'Sykehusområde Bergen' };
export const createdHospitalAreaExample = { ...createHospitalAreaExample, ...managedBy('helse-vest') };
export const patchHospitalAreaExample = { version: 1, name: 'Sykehusområde Bergen og omegn' };
export const hospitalAreaUpdatedExample = {
  ...createdHospitalAreaExample,
  name: patchHospitalAreaExample.name,
  ...managedBy('helse-vest', 2, '2026-11-21T08:15:00.000Z'),
};

/** A private colonoscopy provider registers to bid (its organisation number has a valid check digit). */
export const createSupplierExample = {
  name: 'Volvat Medisinske Senter AS',
  organisationNumber: '982541638',
  country: 'NO',
  kind: 'kommersiell',
  deliverySites: [
    { hospitalAreaId: 'innlandet', place: 'Hamar' },
    { hospitalAreaId: 'telemark-vestfold', place: 'Tønsberg' },
  ],
};

export const createdSupplierExample = {
  id: 'volvat-medisinske-senter-as',
  ...createSupplierExample,
  createdAt: '2026-11-12T09:30:00.000Z',
  updatedAt: '2026-11-12T09:30:00.000Z',
  version: 1,
};

/** falck-norge-as as seeded from hso-2022-helse-og-arbeid-avtaler.txt. */
export const supplierExample = {
  id: 'falck-norge-as',
  name: 'Falck Norge AS',
  country: 'NO',
  kind: 'unknown',
  deliverySites: [
    { hospitalAreaId: 'innlandet', place: 'Akershus og Innlandet' },
    { hospitalAreaId: 'oslo', place: 'Oslo' },
  ],
  createdAt: '2026-10-01T08:00:00.000Z',
  updatedAt: '2026-10-01T08:00:00.000Z',
  version: 1,
};

export const suppliersPageExample = {
  items: [
    supplierExample,
    {
      id: 'norsk-arbeidshelse-as',
      name: 'Norsk Arbeidshelse AS',
      country: 'NO',
      kind: 'unknown',
      deliverySites: [
        { hospitalAreaId: 'innlandet', place: 'Hamar' },
        { hospitalAreaId: 'telemark-vestfold', place: 'Tønsberg' },
      ],
      createdAt: '2026-10-01T08:00:00.000Z',
      updatedAt: '2026-10-01T08:00:00.000Z',
      version: 1,
    },
  ],
  nextCursor: 'eyJQSyI6IlNVUFBMSUVSUyIsIlNLIjoibm9yc2stYXJiZWlkc2hlbHNlLWFzIn0',
};

/** Falck adds its day rehabilitation in Tønsberg. */
export const patchSupplierExample = {
  version: 1,
  deliverySites: [
    ...supplierExample.deliverySites,
    { hospitalAreaId: 'telemark-vestfold', place: 'Tønsberg' },
  ],
};

export const supplierUpdatedExample = {
  ...supplierExample,
  deliverySites: patchSupplierExample.deliverySites,
  updatedAt: '2026-11-15T12:00:00.000Z',
  version: 2,
};

// ---------------------------------------------------------------------------------------------
// Audit and OCDS

export const ocdsPackageExample = {
  uri: `https://api.helsekjop.example/tenders/${ids.tender}/ocds`,
  version: '1.1',
  publishedDate: '2026-11-09T08:00:00.000Z',
  publisher: { name: 'Helse Sør-Øst RHF' },
  releases: [
    {
      ocid: `ocds-hk4j9p-${ids.tender}`,
      id: `ocds-hk4j9p-${ids.tender}-tender-2026-11-09T08:00:00.000Z`,
      date: '2026-11-09T08:00:00.000Z',
      tag: ['tender'],
      language: 'nb',
      tender: {
        id: ids.tender,
        title: createTenderExample.title,
        status: 'active',
        value: { amount: 11_250_000, currency: 'NOK' },
      },
    },
  ],
};

export const ocdsRecordExample = {
  uri: `https://api.helsekjop.example/ocds/records/ocds-hk4j9p-${ids.tender}`,
  version: '1.1',
  publishedDate: '2027-02-12T10:00:00.000Z',
  publisher: { name: 'Helse Sør-Øst RHF' },
  records: [
    {
      ocid: `ocds-hk4j9p-${ids.tender}`,
      releases: [{ url: ocdsPackageExample.uri, date: '2026-11-09T08:00:00.000Z', tag: ['tender'] }],
      compiledRelease: ocdsPackageExample.releases[0],
    },
  ],
};

export const verificationExample = {
  scope: 'entity helse-sor-ost',
  ok: true,
  aggregates: 14,
  events: 163,
  digests: { scope: 'helse-sor-ost', checked: 42, latest: { number: 42, to: '2026-11-23T09:00:00.000Z' } },
  findings: [],
};

export const tenderTimelineExample = {
  scope: `tender ${ids.tender}`,
  items: [
    {
      at: '2026-11-09T08:00:00.000Z',
      kind: 'audit',
      actor: officer.sub,
      role: 'officer',
      action: 'tender.announced',
      aggregate: `tender ${ids.tender}`,
      seq: 3,
      detail: { actorName: officer.name, change: { version: 2 }, hash: '5d41402abc4b2a76b9719d911017c592' },
    },
    {
      at: '2026-11-09T08:00:00.100Z',
      kind: 'workflow',
      actor: 'system',
      role: 'workflow',
      action: 'ExecutionStarted',
      executionArn,
      seq: 1,
      detail: {},
    },
  ],
};

export const supplierTimelineExample = {
  scope: 'supplier register',
  items: [
    {
      at: '2026-11-15T12:00:00.000Z',
      kind: 'audit',
      actor: officer.sub,
      role: 'officer',
      action: 'supplier.updated',
      aggregate: 'supplier falck-norge-as',
      seq: 2,
      detail: {
        actorName: officer.name,
        change: { deliverySites: patchSupplierExample.deliverySites },
        hash: '7d793037a0760186574b0282f2f435e7',
      },
    },
  ],
};

export const entityTimelineExample = {
  scope: 'entity helse-sor-ost',
  items: [
    {
      at: '2026-11-20T10:00:00.000Z',
      kind: 'audit',
      actor: officer.sub,
      role: 'officer',
      action: 'reference.volume-unit.created',
      aggregate: 'reference volume-unit:laboratorieanalyser',
      seq: 1,
      detail: { actorName: officer.name, change: { name: 'Laboratorieanalyser' }, hash: '3f0c2d9e81b4a7c6…' },
    },
  ],
  nextCursor: 'eyJHU0kxUEsiOiJFTlRJVFkjaGVsc2Utc29yLW9zdCNBVURJVCJ9',
};

export const auditExportExample = {
  scope: 'helse-sor-ost',
  exportedAt: '2026-11-23T12:00:00.000Z',
  events: [
    {
      aggregateType: 'tender',
      aggregateId: ids.tender,
      seq: 1,
      SK: 'SEQ#0000000001',
      prevHash: '0'.repeat(64),
      hash: '9d2f6c1b7e0a4c3d8f5e2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d',
      at: '2026-11-09T08:00:00.000Z',
      actor: { sub: officer.sub, name: officer.name, role: 'officer' },
      entityId: 'helse-sor-ost',
      action: 'tender.created',
      change: { title: createTenderExample.title },
    },
  ],
  withheld: [
    {
      aggregate: 'bid#bid_5f0c2d9e81b4a7c65d1e0f9a8b7c6d5e',
      reason: `sealed until the opening of tender ${ids.tender}`,
    },
  ],
};

export const riskFlagsExample = {
  rules: [
    {
      id: 'single-bidder',
      title: 'Single bidder',
      rule: 'A lot still open at the opening that had exactly one valid bid.',
      thresholds: { SINGLE_BIDDER_BIDS: 1 },
    },
  ],
  items: [
    {
      rule: 'single-bidder',
      severity: 'warning',
      aggregate: { type: 'tender', id: ids.tender },
      lotId: 'innlandet',
      at: '2026-12-23T12:00:00.000Z',
      detail: 'Lot innlandet had one valid bid at the opening (norsk-arbeidshelse-as).',
      evidence: { validBids: 1, bids: 1 },
    },
  ],
};

export const referenceTimelineExample = {
  scope: 'reference data of helse-sor-ost',
  items: [
    {
      at: '2026-11-20T10:00:00.000Z',
      kind: 'audit',
      actor: officer.sub,
      role: 'officer',
      action: 'reference.volume-unit.created',
      aggregate: 'reference volume-unit:laboratorieanalyser',
      seq: 1,
      detail: {
        actorName: officer.name,
        change: createVolumeUnitExample,
        hash: '3f0c2d9e81b4a7c65d1e0f9a8b7c6d5e',
      },
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Documentation

export const openApiExample = {
  openapi: '3.1.0',
  info: { title: 'Helsekjøp API', version: '0.1.0' },
  paths: { '/tenders': { post: { operationId: 'createTender', summary: 'Create a tender draft' } } },
};
export const docsPageExample =
  '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Helsekjøp API</title>…';
export const docsAssetExamples = {
  'text/css': '.swagger-ui{color:#3b4151;font-family:sans-serif}…',
  'text/javascript': '/*! For license information please see swagger-ui-bundle.js.LICENSE.txt */…',
};

// ---------------------------------------------------------------------------------------------
// Framework agreements: Helse og arbeid, day rehabilitation in Oslo with falck-norge-as

/** POST /agreements: a Helse og arbeid agreement of hso-2022-helse-og-arbeid-avtaler.txt, registered. */
export const registerAgreementExample = {
  title: 'Helse og arbeid: Arbeidsrettet rehabilitering, dagopphold',
  supplierId: 'falck-norge-as',
  serviceAreaIds: ['helse-og-arbeid'],
  lot: {
    id: 'day-oslo',
    title: 'Arbeidsrettet rehabilitering, dagopphold – Sykehusområde Oslo',
    hospitalAreaIds: ['oslo'],
    formsOfCare: ['day'],
  },
  startDate: '2023-01-01',
  endDate: '2026-12-31',
  options: [{ durationMonths: 12 }, { durationMonths: 12 }],
  optionNoticeDays: 30,
  prices: [{ unit: 'konsultasjoner', unitPrice: 1_300 }],
  volumes: [{ unit: 'konsultasjoner', quantity: 2_500 }],
  deliverySites: [{ place: 'Oslo', hospitalAreaId: 'oslo' }],
};

export const agreementExample = {
  id: ids.agreement,
  entityId: 'helse-sor-ost',
  origin: 'registered',
  tenderTitle: registerAgreementExample.title,
  lotId: 'day-oslo',
  lotTitle: registerAgreementExample.lot.title,
  supplierId: 'falck-norge-as',
  serviceAreaId: 'helse-og-arbeid',
  formOfCare: 'day',
  serviceAreaIds: ['helse-og-arbeid'],
  formsOfCare: ['day'],
  hospitalAreaIds: ['oslo'],
  currency: 'NOK',
  startDate: '2023-01-01',
  endDate: '2026-12-31',
  nextOption: { index: 0, durationMonths: 12, lastDay: '2026-12-01', newEndDate: '2027-12-31' },
  options: [{ durationMonths: 12 }, { durationMonths: 12 }],
  optionNoticeDays: 30,
  prices: registerAgreementExample.prices,
  volumes: registerAgreementExample.volumes,
  deliverySites: registerAgreementExample.deliverySites,
  nonExclusive: true,
  minimumPurchase: 'none',
  status: 'active',
  createdAt: '2026-10-01T08:00:00.000Z',
  version: 1,
};

/** How deadlines and reminders name an agreement: its title and its lot's. */
const agreementName = `${registerAgreementExample.title} – ${registerAgreementExample.lot.title}`;

export const agreementsPageExample = { items: [agreementExample] };

const { nextOption: _option, ...agreementWithoutOption } = agreementExample;

export const agreementExtendedExample = {
  ...agreementWithoutOption,
  endDate: '2027-12-31',
  nextOption: { index: 1, durationMonths: 12, lastDay: '2027-12-01', newEndDate: '2028-12-31' },
  status: 'extended',
  version: 2,
};

export const exerciseOptionExample = { version: 1 };

export const decisionExample = {
  version: 1,
  decision: 'new-procurement',
  reason: 'Behovet for dagrehabilitering i Oslo er økt; vi kunngjør ny konkurranse før avtalen utløper.',
};

export const decisionResultExample = {
  agreement: agreementExample,
  newTenderId: ids.successorTender,
};

/** Notice on the extended agreement (to 2027-12-31), counted from the end of November. */
export const terminateExample = {
  version: 2,
  reason: 'Leverandøren har lagt ned dagtilbudet i Oslo; avtalen sies opp etter avtalens punkt 12.',
  noticeMonths: 3,
  noticeCounting: 'from-end-of-month',
  startNewProcurement: true,
};

const termination = {
  reason: terminateExample.reason,
  noticeMonths: 3,
  noticeCounting: 'from-end-of-month',
  givenOn: '2026-11-23',
  endsOn: '2027-02-28',
  at: '2026-11-23T10:00:00.000Z',
  by: officer,
};

const { nextOption: _nextOption, ...extendedWithoutOption } = agreementExtendedExample;

/** Under notice the agreement runs to `endsOn` without options, its new procurement drafted and linked. */
export const terminationResultExample = {
  agreement: {
    ...extendedWithoutOption,
    termination: { ...termination, successorTenderId: ids.successorTender },
    version: 3,
  },
  newTenderId: ids.successorTender,
};

/** A successor drafted after a notice given without one, linked later. */
export const successorExample = { version: 3, successorTenderId: ids.successorTender };

export const agreementWithSuccessorExample = {
  ...extendedWithoutOption,
  termination: { ...termination, successorTenderId: ids.successorTender },
  version: 4,
};

export const deadlinesPageExample = {
  items: [
    {
      due: '2026-12-01T23:59:59.999Z',
      kind: 'option-deadline',
      title: `Last day to exercise option 1: ${agreementName}`,
      aggregate: { type: 'agreement', id: ids.agreement },
      entityId: 'helse-sor-ost',
      link: `/agreements/${ids.agreement}`,
      party: 'officer',
      supplierId: 'falck-norge-as',
      needsDecision: true,
    },
    {
      due: '2027-01-15T12:00:00.000Z',
      kind: 'bid-deadline',
      title: 'Bid deadline: Koloskopi i Innlandet, Vestfold og Telemark',
      aggregate: { type: 'tender', id: ids.tender },
      entityId: 'helse-sor-ost',
      link: `/tenders/${ids.tender}`,
    },
  ],
};

export const reportExample = {
  entityId: 'helse-sor-ost',
  year: 2026,
  groupBy: 'supplier',
  groups: [
    {
      key: 'falck-norge-as',
      name: 'Falck Norge AS',
      currency: 'NOK',
      agreements: 1,
      withoutAgreedYear: 0,
      units: [
        {
          unit: 'konsultasjoner',
          agreedVolume: 2_500,
          currentVolume: 2_700,
          usedVolume: 2_310,
          utilisationPercent: 85.56,
          agreedValue: 3_250_000,
          spend: 3_003_000,
        },
      ],
      agreedValue: 3_250_000,
      spend: 3_003_000,
      utilisationPercent: 85.56,
    },
  ],
  totals: [
    { currency: 'NOK', agreements: 1, agreedValue: 3_250_000, spend: 3_003_000, utilisationPercent: 85.56 },
  ],
};

export const remindersExample = {
  items: [
    {
      key: 'option#2026-12-01#03m',
      kind: 'option',
      leadMonths: 3,
      deadline: '2026-12-01',
      dueAt: '2026-09-01T07:00:00.000Z',
      escalation: false,
      agreementId: ids.agreement,
      entityId: 'helse-sor-ost',
      supplierId: 'falck-norge-as',
      status: 'delivered',
      createdAt: '2026-10-01T08:00:00.000Z',
      deliveredAt: '2026-10-01T08:00:01.000Z',
      version: 2,
    },
  ],
};

const notification = {
  id: ids.notification,
  entityId: 'helse-sor-ost',
  audience: 'officers',
  kind: 'option-deadline',
  title: 'Agreement with falck-norge-as must have its option decided by 2026-12-01',
  text: `${agreementName} (${ids.agreement}) must have its option decided by 2026-12-01 (3 months reminder). Record the decision: POST /agreements/${ids.agreement}/decision (exercise-option, let-expire, terminate or new-procurement).`,
  agreementId: ids.agreement,
  reminderKey: 'option#2026-12-01#03m',
  escalation: false,
  createdAt: '2026-10-01T08:00:01.000Z',
};
export const notificationsExample = { items: [{ ...notification, read: false }], unread: 1 };
export const notificationReadExample = { ...notification, read: true };

export const reminderSettingsBodyExample = {
  version: 1,
  expiryLeadMonths: [12, 6, 3, 1],
  optionLeadMonths: [3, 1],
  escalationLeadMonths: 1,
  managerEmail: 'innkjopsleder@helse-sorost.no',
};
export const reminderSettingsExample = {
  entityId: 'helse-sor-ost',
  expiryLeadMonths: [12, 6, 3, 1],
  optionLeadMonths: [3, 1],
  escalationLeadMonths: 1,
  managerEmail: 'innkjopsleder@helse-sorost.no',
  version: 2,
};

const lines2027 = [
  {
    service: 'Arbeidsrettet rehabilitering, dagopphold',
    unit: 'konsultasjoner',
    volume: 2_700,
    unitPrice: 1_339,
  },
];

export const yearExample = {
  agreementId: ids.agreement,
  year: 2027,
  status: 'proposed',
  currency: 'NOK',
  lines: lines2027,
  priceAdjustmentPercent: 3,
  supplierDeadline: '2026-12-15T23:59:59.000Z',
  rounds: [
    {
      by: 'officer',
      kind: 'proposal',
      actor: officer,
      at: '2026-12-01T09:00:00.000Z',
      lines: lines2027,
      priceAdjustmentPercent: 3,
    },
  ],
  version: 2,
};

const { supplierDeadline: _due, ...yearWithoutDeadline } = yearExample;
export const yearDraftExample = { ...yearWithoutDeadline, status: 'draft', rounds: [], version: 1 };

export const yearAgreedExample = {
  ...yearExample,
  status: 'agreed',
  rounds: [
    ...yearExample.rounds,
    {
      by: 'supplier',
      kind: 'acceptance',
      actor: { sub: 'c0a8f3e2-supplier-falck', name: 'Per Falck' },
      at: '2026-12-05T14:00:00.000Z',
      lines: lines2027,
      priceAdjustmentPercent: 3,
      comment: 'Vi aksepterer forslaget.',
    },
  ],
  version: 3,
};

export const yearPublishedExample = {
  ...yearAgreedExample,
  status: 'published',
  publishedAt: '2026-12-10T12:00:00.000Z',
  utilisation: [
    {
      unit: 'konsultasjoner',
      agreed: 2_700,
      amended: 0,
      current: 2_700,
      used: 0,
      monthsReported: 0,
      utilisationPercent: 0,
      remaining: 2_700,
      unitPrice: 1_339,
      agreedValue: 3_615_300,
      currentValue: 3_615_300,
      usedValue: 0,
      remainingValue: 3_615_300,
    },
  ],
  version: 4,
};

export const startNegotiationExample = { need: [{ unit: 'konsultasjoner', volume: 2_700 }] };

export const proposalExample = {
  version: 1,
  lines: lines2027,
  priceAdjustmentPercent: 3,
  comment: 'Volumet er økt med 200 konsultasjoner etter fjorårets forbruk.',
  answerDays: 14,
};

export const answerYearExample = { version: 2, accept: true, comment: 'Vi aksepterer forslaget.' };

export const approvalExample = { version: 3 };

export const negotiationWorkflowExample = {
  executionArn: `arn:aws:states:eu-north-1:123456789012:execution:helsekjop-annualRenegotiation:${ids.agreement}-2027`,
  status: 'RUNNING',
  events: [{ id: 1, type: 'ExecutionStarted', timestamp: '2026-12-01T09:00:00.000Z' }],
};

export const amendmentBodyExample = {
  unit: 'konsultasjoner',
  delta: 200,
  reason: 'Ventelistene i Oslo har økt; sykehusområdet trenger flere plasser i andre halvår.',
};

export const amendmentExample = {
  id: ids.amendment,
  agreementId: ids.agreement,
  year: 2027,
  ...amendmentBodyExample,
  status: 'proposed',
  version: 1,
};

export const confirmationExample = { version: 1 };

export const amendmentConfirmedExample = { ...amendmentExample, status: 'confirmed', version: 2 };

export const usageBodyExample = { lines: [{ unit: 'konsultasjoner', quantity: 214 }] };

export const usageExample = {
  agreementId: ids.agreement,
  year: 2027,
  month: 3,
  lines: usageBodyExample.lines,
  version: 1,
};

export const usageYearExample = {
  agreementId: ids.agreement,
  year: 2027,
  currency: 'NOK',
  months: [
    {
      month: 3,
      lines: [{ unit: 'konsultasjoner', quantity: 214, unitPrice: 1_339, value: 286_546 }],
      value: 286_546,
      reportedBy: { sub: 'c0a8f3e2-supplier-falck', name: 'Per Falck', role: 'supplier' },
      reportedAt: '2027-04-03T10:15:00.000Z',
      version: 1,
    },
  ],
  totals: [{ unit: 'konsultasjoner', quantity: 214, value: 286_546 }],
};

// ---------------------------------------------------------------------------------------------
// eForms notices

const noticeIds = {
  contract: '6a2445ba-a841-4208-960c-7810a5fddfdd',
  award: '258dadef-ffc9-44cf-b442-3a26b704c55e',
  modification: 'b729090a-e9f5-4162-ac9f-16b6a7e57bf0',
  procedure: '5531b627-e7da-463d-8144-9f789bf56d9c',
} as const;

const contractVersion = {
  version: 1,
  status: 'accepted' as const,
  contentHash: 'c3d6a4f0e1b2a39f4d6e8a7b5c1f0e2d3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9',
  tenderVersion: 3,
  submittedAt: '2026-11-23T10:12:00.000Z',
  submittedBy: officer,
  messages: [],
};

export const noticeSubmittedExample = {
  noticeId: noticeIds.contract,
  stage: 'contract' as const,
  subtype: '20',
  state: 'accepted' as const,
  when: 'At the announcement (from the draft on)',
  version: 1,
  versions: [contractVersion],
};

export const noticePublishedExample = {
  ...noticeSubmittedExample,
  state: 'published' as const,
  publicationId: '2026-104512',
  versions: [
    {
      ...contractVersion,
      status: 'published' as const,
      publicationId: '2026-104512',
      publishedAt: '2026-11-23T10:13:00.000Z',
      tedPublicationId: '00734512-2026',
    },
  ],
};

export const noticesExample = {
  tenderId: ids.tender,
  procedureId: noticeIds.procedure,
  items: [
    noticePublishedExample,
    {
      noticeId: noticeIds.award,
      stage: 'award' as const,
      state: 'not-due' as const,
      when: 'When the standstill has ended and the agreements exist',
      versions: [],
    },
  ],
};

export const noticeXmlExample = `<?xml version="1.0" encoding="UTF-8"?>
<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2" xmlns:efext="http://data.europa.eu/p27/eforms-ubl-extensions/1" xmlns:efac="http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1" xmlns:efbc="http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1">
  <cbc:UBLVersionID>2.3</cbc:UBLVersionID>
  <cbc:CustomizationID>eforms-sdk-1.15</cbc:CustomizationID>
  <cbc:ID schemeName="notice-id">${noticeIds.contract}</cbc:ID>
  <cbc:ContractFolderID>${noticeIds.procedure}</cbc:ContractFolderID>
  <cbc:IssueDate>2026-11-23Z</cbc:IssueDate>
  <cbc:IssueTime>10:12:00Z</cbc:IssueTime>
  <cbc:VersionID>01</cbc:VersionID>
  <cbc:RegulatoryDomain>32014L0024</cbc:RegulatoryDomain>
  <cbc:NoticeTypeCode listName="competition">cn-social</cbc:NoticeTypeCode>
  <cbc:NoticeLanguageCode>NOR</cbc:NoticeLanguageCode>
  <!-- … the buyer, the procedure, the lots (GET the notice for all of it) -->
</ContractNotice>
`;

const reviewBodyExample = {
  name: 'Klagenemnda for offentlige anskaffelser',
  organisationNumber: '100000040',
  country: 'NO' as const,
  address: { street: 'Postboks 511 Sentrum', postalCode: '5805', city: 'Bergen', nuts: 'NO0A2' },
};

export const noticeSettingsBodyExample = {
  version: 0 as const,
  contact: { email: 'innkjop@helse-sor-ost.example.org', telephone: '+47 22000000' },
  reviewBody: reviewBodyExample,
  submissionUrl: 'https://anbud.helse-sor-ost.example.org/tenders/',
  lightRegimeThreshold: 8_250_000,
};

export const noticeSettingsExample = {
  entityId: 'helse-sor-ost',
  contact: noticeSettingsBodyExample.contact,
  reviewBody: reviewBodyExample,
  submissionUrl: noticeSettingsBodyExample.submissionUrl,
  lightRegimeThreshold: 8_250_000,
  version: 1,
};
