/** Shared test fixtures: the colonoscopy tender from the seeds, API Gateway v2 events. Clone before changing. */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import type { Role } from '../../functions/domain/actors.ts';

export const DAY = 86_400_000;

/** A deadline `days` from `now`, at noon UTC. */
export const deadlineIn = (days: number, now = Date.now()): string => {
  const d = new Date(now + days * DAY);
  d.setUTCHours(12, 0, 0, 0);
  return d.toISOString();
};

/** Two years from the first day of the month three months after `now` (after deadline and standstill). */
export const agreementPlan = (now = Date.now()) => {
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

export const colonoscopyTender = (now = Date.now()) => ({
  title: 'Koloskopi i Innlandet, Vestfold og Telemark',
  serviceAreaId: 'koloskopi',
  lots: [
    {
      id: 'innlandet',
      title: 'Opptaksområdet til Sykehuset Innlandet HF',
      hospitalAreaIds: ['innlandet'],
      formOfCare: 'outpatient',
      estimatedVolumes: [{ unit: 'konsultasjoner', quantity: 750 }],
      minSuppliers: 1,
      maxSuppliers: 1,
    },
    {
      id: 'telemark-vestfold',
      title: 'Opptaksområdet til Sykehuset Telemark HF og Sykehuset i Vestfold HF',
      hospitalAreaIds: ['telemark-vestfold'],
      formOfCare: 'outpatient',
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

/** A valid bid for a lot of the colonoscopy tender. */
export const colonoscopyBid = (
  lotId: 'innlandet' | 'telemark-vestfold',
  unitPrice: number,
  capacity = 800,
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
  confirmations: [{ requirementId: 'autorisasjon', confirmed: true as const }],
});
