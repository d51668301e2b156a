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

export const supplierProblems = (
  s: Pick<Supplier, 'country' | 'organisationNumber' | 'deliverySites'>,
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
