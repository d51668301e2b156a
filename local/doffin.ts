/**
 * The local stand-in of the Doffin Notices API: a loopback server that serves the paths the Doffin
 * port calls (DOFFIN_API in functions/adapters/doffin.ts, the assumed part) and answers as Doffin
 * would. The eForms SDK is not available at run time, so it checks what Doffin's first checks need
 * and no more: the XML is well-formed, its root is a UBL notice, and it carries the CustomizationID
 * (eforms-sdk-1.x), the notice id (a UUID v4), the version, the subtype and a buyer that names an
 * organisation of the notice; each failure names the eForms rule that catches it. No XSD, no
 * Schematron beyond those (test/conformance/eforms.test.ts validates the notices the product makes).
 *
 * What it records: every submission (accepted, rejected, refused), per notice id and version. A
 * second submission of an id and version it has accepted is refused (409), as Doffin refuses it; a
 * new version of a published notice is accepted as a change; a new version while the previous one
 * waits to be published is refused. An accepted notice is published at the next full minute on the
 * local clock, with a public id YYYY-NNNNNN (and, for a notice sent on to TED, a TED publication
 * number). Kept in `<data dir>/doffin.json`, or in memory.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { DOFFIN_API, type WireAnswer, type WireItem } from '../functions/adapters/doffin.ts';
import { log } from '../functions/shared/log.ts';
import { ACCOUNT, REGION } from './functions.ts';
import { closeServer, listenOnLoopback, readRawBody } from './loopback.ts';
import { JsonFile } from './persist.ts';

/** The Secrets Manager secret that points the Doffin port at this stand-in (local/aws-endpoint.ts serves it). */
export const LOCAL_DOFFIN_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:helsekjop-doffin`;
/** The subscription key the stand-in takes, as Azure API Management takes one key of a subscription. */
export const LOCAL_DOFFIN_SUBSCRIPTION_KEY = 'local-doffin-subscription-key';

const MAX_BODY = 10 * 1024 * 1024;

// ── A small XML reader: well-formedness (with line and column) and namespaces, no DTDs ──────────

export interface XmlElement {
  /** The namespace URI ('' when none). */
  ns: string;
  local: string;
  /** The name as written (prefix:local). */
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (its children's not included). */
  text: string;
}

export class NotWellFormed extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

const NAME = /[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Parses a document: throws NotWellFormed where it is not. DOCTYPE is refused (no DTDs, no external entities). */
export const parseXml = (source: string): XmlElement => {
  const s = source.replace(/^\uFEFF/, '');
  let at = 0;
  const fail = (message: string, where = at): never => {
    const before = s.slice(0, where).split('\n');
    throw new NotWellFormed(message, before.length, (before.at(-1)?.length ?? 0) + 1);
  };
  const name = (): string => {
    NAME.lastIndex = at;
    const m = NAME.exec(s);
    if (!m) return fail('a name was expected');
    at += m[0].length;
    return m[0];
  };
  const spaces = () => {
    while (at < s.length && ' \t\r\n'.includes(s[at] as string)) at++;
  };
  const decode = (raw: string, start: number): string =>
    raw.replace(/&([^;]*);?/g, (whole, ref: string, offset: number) => {
      if (!whole.endsWith(';')) return fail('an entity reference must end with ";"', start + offset);
      if (ref.startsWith('#x') && /^#x[0-9a-fA-F]+$/.test(ref))
        return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
      if (/^#\d+$/.test(ref)) return String.fromCodePoint(Number(ref.slice(1)));
      const known = PREDEFINED[ref];
      return known ?? fail(`the entity &${ref}; is not defined`, start + offset);
    });
  const skipMisc = (): void => {
    for (;;) {
      spaces();
      if (s.startsWith('<!--', at)) {
        const end = s.indexOf('-->', at + 4);
        if (end < 0) fail('a comment is not closed');
        at = end + 3;
      } else if (s.startsWith('<?', at)) {
        const end = s.indexOf('?>', at + 2);
        if (end < 0) fail('a processing instruction is not closed');
        at = end + 2;
      } else if (s.startsWith('<!DOCTYPE', at)) {
        fail('a DOCTYPE is not allowed');
      } else return;
    }
  };
  const element = (scope: Map<string, string>): XmlElement => {
    const start = at;
    at++; // <
    const qname = name();
    const raw: [string, string, number][] = [];
    for (;;) {
      const hadSpace = ' \t\r\n'.includes(s[at] ?? '');
      spaces();
      if (s.startsWith('/>', at) || s[at] === '>') break;
      if (at >= s.length) fail('the document ends inside a start tag', start);
      if (!hadSpace) fail('attributes must be separated by white space');
      const attrAt = at;
      const attr = name();
      spaces();
      if (s[at] !== '=') fail(`the attribute ${attr} has no value`);
      at++;
      spaces();
      const quote = s[at];
      if (quote !== '"' && quote !== "'") fail(`the value of ${attr} must be quoted`);
      const end = s.indexOf(quote as string, at + 1);
      if (end < 0) fail(`the value of ${attr} is not closed`);
      const value = s.slice(at + 1, end);
      if (value.includes('<')) fail(`the value of ${attr} contains "<"`, at + 1);
      if (raw.some(([a]) => a === attr)) fail(`the attribute ${attr} is given twice`, attrAt);
      raw.push([attr, decode(value, at + 1), attrAt]);
      at = end + 1;
    }
    const own = new Map(scope);
    for (const [attr, value] of raw) {
      if (attr === 'xmlns') own.set('', value);
      else if (attr.startsWith('xmlns:')) own.set(attr.slice(6), value);
    }
    const resolve = (qualified: string, where: number, isAttribute: boolean): [string, string] => {
      const colon = qualified.indexOf(':');
      if (colon < 0) return [isAttribute ? '' : (own.get('') ?? ''), qualified];
      const prefix = qualified.slice(0, colon);
      if (prefix === 'xml') return [XML_NS, qualified.slice(colon + 1)];
      if (prefix === 'xmlns') return ['http://www.w3.org/2000/xmlns/', qualified.slice(colon + 1)];
      const uri = own.get(prefix);
      if (uri === undefined) return fail(`the namespace prefix ${prefix} is not declared`, where);
      return [uri, qualified.slice(colon + 1)];
    };
    const [ns, local] = resolve(qname, start + 1, false);
    const attributes: Record<string, string> = {};
    for (const [attr, value, where] of raw) {
      resolve(attr, where, true);
      attributes[attr] = value;
    }
    const el: XmlElement = { ns, local, name: qname, attributes, children: [], text: '' };
    if (s.startsWith('/>', at)) {
      at += 2;
      return el;
    }
    at++; // >
    for (;;) {
      const lt = s.indexOf('<', at);
      if (lt < 0) fail(`the element ${qname} is not closed`, start);
      const chunk = s.slice(at, lt);
      if (chunk.includes(']]>')) fail('"]]>" is not allowed in text', at + chunk.indexOf(']]>'));
      el.text += decode(chunk, at);
      at = lt;
      if (s.startsWith('</', at)) {
        at += 2;
        const closing = name();
        if (closing !== qname) fail(`the end tag </${closing}> does not match <${qname}>`, lt);
        spaces();
        if (s[at] !== '>') fail(`the end tag </${closing}> is not closed`);
        at++;
        return el;
      }
      if (s.startsWith('<!--', at)) {
        const end = s.indexOf('-->', at + 4);
        if (end < 0) fail('a comment is not closed');
        at = end + 3;
      } else if (s.startsWith('<![CDATA[', at)) {
        const end = s.indexOf(']]>', at + 9);
        if (end < 0) fail('a CDATA section is not closed');
        el.text += s.slice(at + 9, end);
        at = end + 3;
      } else if (s.startsWith('<?', at)) {
        const end = s.indexOf('?>', at + 2);
        if (end < 0) fail('a processing instruction is not closed');
        at = end + 2;
      } else if (s.startsWith('<!', at)) {
        fail('a declaration is not allowed here');
      } else el.children.push(element(own));
    }
  };
  skipMisc();
  if (s[at] !== '<')
    fail(at >= s.length ? 'the document is empty' : 'the document must start with an element');
  const root = element(new Map([['xml', XML_NS]]));
  skipMisc();
  if (at < s.length)
    fail(s[at] === '<' ? 'a document has one root element' : 'text is not allowed after the root element');
  return root;
};

// ── What Doffin's first checks need ────────────────────────────────────────────────────────────

const NS = {
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
  ext: 'urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2',
  efac: 'http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1',
  efext: 'http://data.europa.eu/p27/eforms-ubl-extensions/1',
} as const;
const ROOTS: Record<string, string> = {
  ContractNotice: 'urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2',
  ContractAwardNotice: 'urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2',
  PriorInformationNotice: 'urn:oasis:names:specification:ubl:schema:xsd:PriorInformationNotice-2',
};

/** `a/b/c` as prefix:local steps: the elements at that path below `from`. */
const select = (from: XmlElement | undefined, path: string): XmlElement[] => {
  let found = from ? [from] : [];
  for (const step of path.split('/')) {
    const [prefix, local] = step.split(':') as [keyof typeof NS, string];
    found = found.flatMap((e) => e.children.filter((c) => c.ns === NS[prefix] && c.local === local));
  }
  return found;
};
const textAt = (from: XmlElement | undefined, path: string): string | undefined => {
  const value = select(from, path)[0]?.text.trim();
  return value || undefined;
};

/**
 * The suffix of each subtype's presence asserts in the SDK 1.15 Schematron (validation-stage-2a-<subtype>.sch):
 * BR-BT-00701-<n>, BR-BT-00757-<n>, BR-OPT-00002-<n>, BR-OPP-00070-<n>, BR-BT-00500-<n>; and of its
 * buyer's party id (BR-OPT-00300-<n>).
 */
const PRESENCE_RULE: Record<string, string> = {
  '20': '0027',
  '33': '0042',
  '38': '0047',
  E3: '0026',
  E4: '0040',
};
const BUYER_RULE: Record<string, string> = {
  '20': '0127',
  '33': '0142',
  '38': '0147',
  E3: '0126',
  E4: '0140',
};

const UUID_V4 = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;
const VERSION = /^(0[1-9]|[1-9][0-9])$/;
/** The SDK's form (BR-OPT-00002-0052), and DFØ's extended form for Doffin. */
const CUSTOMIZATION = /^eforms-sdk-1\.\d+(#extended#urn:fdc:anskaffelser\.no:2023:eforms:(eu|national))?$/;
const SUBTYPE = /^([1-9]|[1-3][0-9]|40|E[1-6]|N[1-9][0-9]?|X0[12]|T0[12]|CEI)$/;

export interface NoticeCheck {
  noticeId?: string;
  version?: string;
  subtype?: string;
  /** DFØ's national extension (below the thresholds): not sent on to TED. */
  national: boolean;
  items: WireItem[];
}

/** Doffin's first checks, with the rule ids of the SDK's asserts where one exists (LOCAL-… where the check is the stand-in's own). */
export const checkNotice = (xml: string): NoticeCheck => {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (!(error instanceof NotWellFormed)) throw error;
    return {
      national: false,
      items: [
        {
          severity: 'ERROR',
          ruleId: 'XML-WELL-FORMED',
          message: `The notice is not well-formed XML: ${error.message}`,
          location: `line ${error.line}, column ${error.column}`,
        },
      ],
    };
  }
  const items: WireItem[] = [];
  const error = (ruleId: string, message: string, location: string) =>
    items.push({ severity: 'ERROR', ruleId, message, location });
  const rootPath = `/${root.name}`;
  if (ROOTS[root.local] !== root.ns)
    error(
      'XSD',
      `The root element must be ContractNotice, ContractAwardNotice or PriorInformationNotice in its UBL 2.3 namespace, not {${root.ns}}${root.local}`,
      rootPath,
    );
  const eforms = select(
    root,
    'ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension',
  )[0];
  const subtype = textAt(eforms, 'efac:NoticeSubType/cbc:SubTypeCode');
  const n = (subtype && PRESENCE_RULE[subtype]) ?? undefined;
  const rule = (field: string) => (n ? `${field}-${n}` : field);
  if (!subtype)
    error(
      'P-0001',
      'The notice has no subtype (OPP-070, efac:NoticeSubType/cbc:SubTypeCode)',
      `${rootPath}/ext:UBLExtensions`,
    );
  else if (!SUBTYPE.test(subtype))
    error(
      'BR-OPP-00070-0052',
      `The notice subtype ${subtype} is not in the notice-subtype codelist`,
      `${rootPath}/ext:UBLExtensions`,
    );
  const customization = textAt(root, 'cbc:CustomizationID');
  if (!customization)
    error(
      rule('BR-OPT-00002'),
      'The notice has no cbc:CustomizationID (OPT-002, the eForms SDK version)',
      rootPath,
    );
  else if (!CUSTOMIZATION.test(customization))
    error(
      'BR-OPT-00002-0052',
      `The CustomizationID ${customization} is not an eForms SDK 1.x version (eforms-sdk-1.N, optionally with DFØ's #extended#urn:fdc:anskaffelser.no:2023:eforms:eu or :national)`,
      `${rootPath}/cbc:CustomizationID`,
    );
  else if (!customization.includes('#extended#'))
    items.push({
      severity: 'WARNING',
      ruleId: 'LOCAL-NOR-CUSTOMIZATION',
      message:
        "The CustomizationID does not carry DFØ's extension (#extended#urn:fdc:anskaffelser.no:2023:eforms:eu or :national); Doffin's Norwegian rules key on it",
      location: `${rootPath}/cbc:CustomizationID`,
    });
  const ids = root.children.filter(
    (c) => c.ns === NS.cbc && c.local === 'ID' && c.attributes.schemeName === 'notice-id',
  );
  const noticeId = ids[0]?.text.trim() || undefined;
  if (!noticeId)
    error(
      rule('BR-BT-00701'),
      "The notice has no notice identifier (BT-701, cbc:ID with schemeName 'notice-id')",
      rootPath,
    );
  else if (!UUID_V4.test(noticeId))
    error(
      'BR-BT-00701-0052',
      `The notice identifier ${noticeId} is not a lower-case UUID v4`,
      `${rootPath}/cbc:ID[@schemeName='notice-id']`,
    );
  const version = textAt(root, 'cbc:VersionID');
  if (!version) error(rule('BR-BT-00757'), 'The notice has no version (BT-757, cbc:VersionID)', rootPath);
  else if (!VERSION.test(version))
    error(
      'BR-BT-00757-0052',
      `The notice version ${version} is not two digits from 01 to 99`,
      `${rootPath}/cbc:VersionID`,
    );
  const buyers = select(root, 'cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID').map((e) =>
    e.text.trim(),
  );
  const organisations = select(eforms, 'efac:Organizations/efac:Organization/efac:Company');
  const byId = new Map(organisations.map((o) => [textAt(o, 'cac:PartyIdentification/cbc:ID'), o]));
  if (!buyers.length)
    error(
      subtype && BUYER_RULE[subtype] ? `BR-OPT-00300-${BUYER_RULE[subtype]}` : 'BR-OPT-00300',
      'The notice names no buyer (OPT-300, cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID)',
      `${rootPath}/cac:ContractingParty`,
    );
  for (const buyer of buyers) {
    const organisation = byId.get(buyer);
    if (!organisation)
      error(
        'BR-OPT-00300-0250',
        `The buyer ${buyer} is not an organisation of the notice (efac:Organizations)`,
        `${rootPath}/cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID`,
      );
    else if (!textAt(organisation, 'cac:PartyName/cbc:Name'))
      error(
        rule('BR-BT-00500'),
        `The buyer ${buyer} has no name (BT-500, cac:PartyName/cbc:Name)`,
        `${rootPath}/ext:UBLExtensions/…/efac:Organization/efac:Company[cac:PartyIdentification/cbc:ID='${buyer}']`,
      );
  }
  return {
    ...(noticeId ? { noticeId } : {}),
    ...(version ? { version } : {}),
    ...(subtype ? { subtype } : {}),
    national: Boolean(customization?.endsWith(':national')) || /^[EN]/.test(subtype ?? ''),
    items,
  };
};

// ── The stand-in ───────────────────────────────────────────────────────────────────────────────

/** One submission as the stand-in recorded it. */
export interface DoffinSubmission {
  /** The order of arrival (1, 2…). */
  seq: number;
  receivedAt: string;
  noticeId?: string;
  version?: string;
  subtype?: string;
  /** What was answered: accepted, rejected by validation, refused (already submitted, or out of order). */
  outcome: 'accepted' | 'rejected' | 'refused';
  /** The notice version's state now: accepted, published; rejected and refused ones keep their outcome. */
  status: 'accepted' | 'published' | 'rejected' | 'refused';
  /** A new version of a published notice. */
  change: boolean;
  /** Below the thresholds (E3, E4, or DFØ's national CustomizationID): published on Doffin only, not sent on to TED. */
  national: boolean;
  items: WireItem[];
  /** When an accepted notice is (to be) published: the next full minute after its acceptance. */
  publishAt?: string;
  publishedAt?: string;
  publicationId?: string;
  tedPublicationId?: string;
  bytes: number;
  sha256: string;
}

interface DoffinState {
  submissions: DoffinSubmission[];
  /** The last public number given, per year: Doffin's (YYYY-NNNNNN) and TED's (NNNNNNNN-YYYY). */
  counters: Record<string, { doffin: number; ted: number }>;
}

export interface LocalDoffinOptions {
  /** Where the submissions are kept (`<data dir>/doffin.json`); in memory when undefined. */
  file?: string;
  /** The local clock. */
  now: () => Date;
  subscriptionKey?: string;
}

/** The business id in a status path, read with DOFFIN_API's own path (its text around the id). */
const statusTarget = (pathname: string): string | undefined => {
  const marker = 'BUSINESS_ID';
  const [before = '', after = ''] = DOFFIN_API.status.path(marker).split(marker);
  if (
    !pathname.startsWith(before) ||
    !pathname.endsWith(after) ||
    pathname.length <= before.length + after.length
  )
    return undefined;
  const id = pathname.slice(before.length, pathname.length - after.length);
  if (id.includes('/')) return undefined;
  try {
    return decodeURIComponent(id);
  } catch {
    return undefined;
  }
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

export class LocalDoffin {
  private server: Server | undefined;
  private readonly store: JsonFile<DoffinState>;
  private state: DoffinState;
  private readonly subscriptionKey: string;

  constructor(private readonly options: LocalDoffinOptions) {
    this.store = new JsonFile<DoffinState>(options.file, () => ({ submissions: [], counters: {} }));
    this.state = this.store.read();
    this.subscriptionKey = options.subscriptionKey ?? LOCAL_DOFFIN_SUBSCRIPTION_KEY;
  }

  async start(port = 0): Promise<string> {
    const { server, url } = await listenOnLoopback((req, res) => void this.handle(req, res), port);
    this.server = server;
    return url;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  /** Every submission, oldest first, with what has been published by now (GET /_local/doffin/notices). */
  submissions(): DoffinSubmission[] {
    this.publishDue();
    return this.state.submissions.map((s) => ({ ...s, items: [...s.items] }));
  }

  /** Publishes, in order, every accepted notice whose time has come on the local clock. */
  private publishDue(): void {
    const now = this.options.now().getTime();
    const due = this.state.submissions
      .filter((s) => s.status === 'accepted' && s.publishAt && Date.parse(s.publishAt) <= now)
      .sort((a, b) => Date.parse(a.publishAt as string) - Date.parse(b.publishAt as string) || a.seq - b.seq);
    if (!due.length) return;
    for (const s of due) {
      const at = s.publishAt as string;
      const year = at.slice(0, 4);
      const counter = this.state.counters[year] ?? { doffin: 100_000, ted: 100_000 };
      this.state.counters[year] = counter;
      counter.doffin += 1;
      s.status = 'published';
      s.publishedAt = at;
      s.publicationId = `${year}-${String(counter.doffin).padStart(6, '0')}`;
      // Notices above the thresholds go on to TED (here published at once; on TED days later).
      if (!s.national) {
        counter.ted += 1;
        s.tedPublicationId = `${String(counter.ted).padStart(8, '0')}-${year}`;
      }
    }
    this.store.write(this.state);
  }

  private wire(s: DoffinSubmission): WireAnswer {
    const status = {
      accepted: 'ACCEPTED',
      published: 'PUBLISHED',
      rejected: 'REJECTED',
      refused: 'REJECTED',
    }[s.status];
    return {
      ...(s.noticeId ? { noticeId: s.noticeId } : {}),
      ...(s.version ? { noticeVersion: s.version } : {}),
      status,
      validationReport: { valid: !s.items.some((i) => i.severity === 'ERROR'), items: s.items },
      ...(s.publicationId ? { doffinId: s.publicationId } : {}),
      ...(s.publishedAt ? { publicationDate: s.publishedAt } : {}),
      ...(s.tedPublicationId ? { tedPublicationNumber: s.tedPublicationId } : {}),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const raw = await readRawBody(req);
      // Azure API Management's answers, before the API sees the request.
      const key = req.headers[DOFFIN_API.subscriptionKeyHeader.toLowerCase()];
      if (!key)
        return json(res, 401, {
          statusCode: 401,
          message:
            'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
        });
      if (key !== this.subscriptionKey)
        return json(res, 401, {
          statusCode: 401,
          message:
            'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
        });
      if (raw.length > MAX_BODY)
        return json(res, 413, { statusCode: 413, message: 'The notice is too large' });
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://local');
      const target = `${url.pathname}${url.search}`;
      this.publishDue();
      if (method === DOFFIN_API.submit.method && target === DOFFIN_API.submit.path())
        return json(res, ...this.submit(raw.toString('utf8')));
      if (method === DOFFIN_API.validate.method && target === DOFFIN_API.validate.path()) {
        const { noticeId, version, items } = checkNotice(raw.toString('utf8'));
        const valid = !items.some((i) => i.severity === 'ERROR');
        return json(res, 200, {
          ...(noticeId ? { noticeId } : {}),
          ...(version ? { noticeVersion: version } : {}),
          status: valid ? 'VALID' : 'INVALID',
          validationReport: { valid, items },
        } satisfies WireAnswer);
      }
      const businessId = statusTarget(url.pathname);
      if (method === DOFFIN_API.status.method && businessId !== undefined) {
        const mine = this.state.submissions.filter(
          (s) =>
            s.noticeId &&
            s.version &&
            DOFFIN_API.businessId(s.noticeId, s.version) === businessId &&
            s.outcome !== 'refused',
        );
        const found = mine.find((s) => s.outcome === 'accepted') ?? mine.at(-1);
        if (!found) return json(res, 404, { statusCode: 404, message: `No notice ${businessId}` });
        return json(res, 200, this.wire(found));
      }
      return json(res, 404, { statusCode: 404, message: 'Resource not found' });
    } catch (error) {
      log.error('local Doffin failed', { error });
      return json(res, 500, { statusCode: 500, message: (error as Error).message });
    }
  }

  /** A submission's answer: its HTTP status and JSON. */
  private submit(xml: string): [number, unknown] {
    const now = this.options.now();
    const check = checkNotice(xml);
    const { noticeId, version, subtype } = check;
    const base = {
      seq: this.state.submissions.length + 1,
      receivedAt: now.toISOString(),
      ...(noticeId ? { noticeId } : {}),
      ...(version ? { version } : {}),
      ...(subtype ? { subtype } : {}),
      change: false,
      national: check.national,
      bytes: Buffer.byteLength(xml),
      sha256: createHash('sha256').update(xml).digest('hex'),
    };
    const record = (s: DoffinSubmission): DoffinSubmission => {
      this.state.submissions.push(s);
      this.store.write(this.state);
      return s;
    };
    if (check.items.some((i) => i.severity === 'ERROR') || !noticeId || !version) {
      const s = record({ ...base, outcome: 'rejected', status: 'rejected', items: check.items });
      return [400, this.wire(s)];
    }
    const earlier = this.state.submissions.filter((s) => s.noticeId === noticeId && s.outcome === 'accepted');
    const refuse = (message: string): [number, unknown] => {
      record({ ...base, outcome: 'refused', status: 'refused', items: [{ severity: 'ERROR', message }] });
      return [409, { statusCode: 409, message, noticeId, noticeVersion: version }];
    };
    if (earlier.some((s) => s.version === version))
      return refuse(`The notice ${noticeId} version ${version} has been submitted already`);
    const latest = earlier.reduce<DoffinSubmission | undefined>(
      (max, s) => (!max || Number(s.version) > Number(max.version) ? s : max),
      undefined,
    );
    if (latest && Number(latest.version) > Number(version))
      return refuse(
        `The notice ${noticeId} has version ${latest.version} already; a change raises the version`,
      );
    if (latest && latest.status !== 'published')
      return refuse(
        `The notice ${noticeId} version ${latest.version} is not published yet; a change can be submitted once it is`,
      );
    if (!latest && version !== '01')
      return refuse(`The notice ${noticeId} version ${version} changes a notice that was never published`);
    const minute = 60_000;
    const s = record({
      ...base,
      outcome: 'accepted',
      status: 'accepted',
      change: Boolean(latest),
      items: check.items,
      publishAt: new Date(Math.floor(now.getTime() / minute) * minute + minute).toISOString(),
    });
    return [201, this.wire(s)];
  }
}
