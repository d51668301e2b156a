/** Supplier rules: pure, no AWS. */

import type { SupplierKind } from './reference-data.ts';
import type { ProblemItem } from './refusal.ts';
import type { ReferenceLookups } from './tender.ts';

export interface Supplier {
  id: string;
  name: string;
  organisationNumber?: string;
  country: 'NO' | 'DK';
  kind: SupplierKind;
  deliverySites: { hospitalAreaId?: string; place: string; address?: string }[];
  /** The registered postal address: an award or modification notice names a winner by it (BT-510…BT-514). */
  postalAddress?: SupplierAddress;
  /** Company size (eForms BT-165): award notices count bids from SMEs and large companies. */
  size?: CompanySize;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A readable, stable id from the name: "Sørlandet Rehabiliteringssenter Eiken AS" → "sorlandet-rehabiliteringssenter-eiken-as". */
export const supplierIdFromName = (name: string): string =>
  name
    .toLowerCase()
    .replaceAll('æ', 'ae')
    .replaceAll('ø', 'o')
    .replaceAll('å', 'a')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 63);

/** Norwegian organisation numbers: 9 digits, the last a modulus-11 check digit. */
export const isValidNorwegianOrgNumber = (value: string): boolean => {
  if (!/^\d{9}$/.test(value)) return false;
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(value[i]), 0);
  const rest = sum % 11;
  const check = rest === 0 ? 0 : 11 - rest;
  return check !== 10 && check === Number(value[8]);
};

export const companySizes = ['micro', 'small', 'medium', 'large'] as const;
export type CompanySize = (typeof companySizes)[number];

export interface SupplierAddress {
  street?: string;
  postalCode: string;
  city: string;
  /** The NUTS 3 region (NO081 Oslo, DK011 Byen København…): its country is the supplier's. */
  nuts: string;
}

/** NUTS codes: two letters of the country, then one to three digits or capitals. */
export const NUTS = /^[A-Z]{2}[0-9A-Z]{1,3}$/;

export const supplierProblems = (
  s: Pick<Supplier, 'country' | 'organisationNumber' | 'deliverySites' | 'postalAddress'>,
  ref: Pick<ReferenceLookups, 'isKnownHospitalArea'>,
): ProblemItem[] => {
  const problems: ProblemItem[] = [];
  if (s.organisationNumber !== undefined) {
    if (s.country === 'NO' && !isValidNorwegianOrgNumber(s.organisationNumber)) {
      problems.push({
        pointer: '#/organisationNumber',
        detail: 'A Norwegian organisation number has 9 digits and a valid check digit',
      });
    }
    if (s.country === 'DK' && !/^\d{8}$/.test(s.organisationNumber)) {
      problems.push({ pointer: '#/organisationNumber', detail: 'A Danish CVR number has 8 digits' });
    }
  }
  const nuts = s.postalAddress?.nuts;
  if (nuts !== undefined && !nuts.startsWith(s.country))
    problems.push({
      pointer: '#/postalAddress/nuts',
      detail: `The NUTS region ${nuts} is not in ${s.country}, the supplier's country`,
    });
  s.deliverySites.forEach((site, i) => {
    if (site.hospitalAreaId !== undefined && !ref.isKnownHospitalArea(site.hospitalAreaId)) {
      problems.push({
        pointer: `#/deliverySites/${i}/hospitalAreaId`,
        detail: `Unknown hospital area "${site.hospitalAreaId}"`,
      });
    }
  });
  return problems;
};
