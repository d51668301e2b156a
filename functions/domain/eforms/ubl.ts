/**
 * The UBL 2.3 shape of an eForms notice: namespaces, the element builders the three notices share,
 * and how values are written (dates with a zone, amounts with a currency, texts once per notice
 * language). The XML is built with xmlbuilder2 from plain objects whose key order is the element
 * order the XSD sequences require. Pure: no I/O.
 */
import { create } from 'xmlbuilder2';

/** An element's content as xmlbuilder2 reads it: `@attr`, `#` text, children by qualified name. */
export type Node = { [name: string]: Node | Node[] | string | undefined };

export const NAMESPACES = {
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
  ext: 'urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2',
  efac: 'http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1',
  efbc: 'http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1',
  efext: 'http://data.europa.eu/p27/eforms-ubl-extensions/1',
} as const;

export const ROOTS = {
  ContractNotice: 'urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2',
  ContractAwardNotice: 'urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2',
} as const;
export type RootElement = keyof typeof ROOTS;

/** The SDK version the notices follow (BT-... OPT-002-notice, cbc:CustomizationID). */
export const CUSTOMIZATION_ID = 'eforms-sdk-1.15';

/** A text in each notice language: the language code (eForms, ISO 639-3 upper case) → the text. */
export type Texts = Record<string, string>;

/** A multilingual text field: one element per notice language, in the notices' language order. */
export const texts = (value: Texts): Node[] =>
  Object.entries(value).map(([languageID, text]) => ({ '@languageID': languageID, '#': text }));

export const text = (value: string): Node => ({ '#': value });

export const coded = (listName: string, value: string): Node => ({ '@listName': listName, '#': value });

export const identifier = (schemeName: string, value: string): Node => ({
  '@schemeName': schemeName,
  '#': value,
});

/** An amount: at most two decimals, no thousands separators. */
export const amount = (value: number, currency: string): Node => ({
  '@currencyID': currency,
  '#': Number.isInteger(value) ? String(value) : value.toFixed(2),
});

/** A date as eForms writes it: yyyy-mm-dd with its zone (UTC). */
export const dateOf = (isoOrDate: string): string => `${isoOrDate.slice(0, 10)}Z`;

/** A time of day as eForms writes it: hh:mm:ss with its zone (UTC). */
export const timeOf = (iso: string): string => `${new Date(iso).toISOString().slice(11, 19)}Z`;

/** The eForms extension wrapper a UBL element carries its eForms-only parts in. */
export const extension = (content: Node): Node => ({
  'ext:UBLExtension': { 'ext:ExtensionContent': { 'efext:EformsExtension': content } },
});

/** A reference to an organisation, tender, lot… by its technical id (ORG-0001, TEN-0001, LOT-0001). */
export const ref = (schemeName: string, id: string): Node => ({ 'cbc:ID': identifier(schemeName, id) });

export const partyRef = (orgId: string): Node => ({
  'cac:PartyIdentification': { 'cbc:ID': identifier('organization', orgId) },
});

/** An organisation as eForms lists it in efac:Organizations (BT-500…BT-514, BT-506, BT-503). */
export interface Organisation {
  /** ORG-0001… (OPT-200-Organization-Company). */
  id: string;
  /** BT-500-Organization-Company, in each notice language. */
  name: Texts;
  /** BT-501-Organization-Company: the organisation number. */
  companyId: string;
  /** BT-510(a), BT-512, BT-513, BT-507, BT-514 -Organization-Company. */
  address: { street?: string; postalCode: string; city: string; nuts: string; country: string };
  /** BT-506, BT-503 -Organization-Company: required for the buyer. */
  contact?: { email: string; telephone: string };
  /** BT-505-Organization-Company. */
  website?: string;
  /** BT-165-Organization-Company (economic-operator-size): required for winners. */
  size?: string;
}

export const organisation = (o: Organisation): Node => ({
  'efac:Company': {
    ...(o.website ? { 'cbc:WebsiteURI': text(o.website) } : {}),
    ...(o.size ? { 'efbc:CompanySizeCode': coded('economic-operator-size', o.size) } : {}),
    'cac:PartyIdentification': { 'cbc:ID': identifier('organization', o.id) },
    // One cac:PartyName per notice language (UBL's PartyName holds one name).
    'cac:PartyName': texts(o.name).map((name) => ({ 'cbc:Name': name })),
    'cac:PostalAddress': {
      ...(o.address.street ? { 'cbc:StreetName': text(o.address.street) } : {}),
      'cbc:CityName': text(o.address.city),
      'cbc:PostalZone': text(o.address.postalCode),
      'cbc:CountrySubentityCode': coded('nuts', o.address.nuts),
      'cac:Country': { 'cbc:IdentificationCode': coded('country', o.address.country) },
    },
    'cac:PartyLegalEntity': { 'cbc:CompanyID': text(o.companyId) },
    ...(o.contact
      ? {
          'cac:Contact': {
            'cbc:Telephone': text(o.contact.telephone),
            'cbc:ElectronicMail': text(o.contact.email),
          },
        }
      : {}),
  },
});

/** The notice document: the root element with its namespaces around `body`, serialised. */
export const render = (root: RootElement, body: Node): string =>
  create(
    { version: '1.0', encoding: 'UTF-8' },
    {
      [root]: {
        '@xmlns': ROOTS[root],
        ...Object.fromEntries(Object.entries(NAMESPACES).map(([prefix, uri]) => [`@xmlns:${prefix}`, uri])),
        ...body,
      },
    },
  ).end({ prettyPrint: true });
