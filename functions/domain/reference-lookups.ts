/**
 * The reference data as the rules and the publications see it: what comes with the release
 * (reference-data.ts) and what the entities' officers added (managed-reference.ts), one catalogue.
 * The handlers build one per request from the stored items (services/store/reference.ts).
 */
import type { ManagedReference } from './managed-reference.ts';
import {
  cpvCheckDigit,
  entityById,
  formOfCareById,
  type HospitalArea,
  hospitalAreaById,
  hospitalAreas,
  type ServiceArea,
  serviceAreaById,
  serviceAreas,
  type Term,
  volumeUnitById,
  volumeUnits,
} from './reference-data.ts';
import type { ReferenceLookups } from './tender.ts';

/** Names for what a publication or a report shows. */
export interface ReferenceNames {
  serviceArea(id: string): ServiceArea | undefined;
  volumeUnit(id: string): Term | undefined;
  formOfCare(id: string): Term | undefined;
  hospitalArea(id: string): HospitalArea | undefined;
}

export interface ReferenceCatalogue extends ReferenceLookups, ReferenceNames {
  /** The lists as GET /reference/... gives them: the release's first, then the managed ones. */
  serviceAreas(): (ServiceArea & Partial<Managed>)[];
  volumeUnits(): (Term & Partial<Managed>)[];
  hospitalAreas(): (HospitalArea & Partial<Managed>)[];
}

/** What a managed item shows beside its names. */
type Managed = Pick<ManagedReference, 'entityId' | 'createdAt' | 'updatedAt' | 'version'> & {
  managed: true;
};

/** How a managed item shows in its list (GET /reference/...) and in the answers that change it. */
export const managedEntry = (m: ManagedReference) => {
  const meta: Managed = {
    managed: true,
    entityId: m.entityId,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    version: m.version,
  };
  if (m.kind === 'service-area')
    return {
      id: m.id,
      name: m.name,
      english: m.english ?? m.name,
      language: m.language ?? entityById(m.entityId)?.language ?? 'nb',
      ...meta,
    };
  if (m.kind === 'volume-unit')
    return {
      id: m.id,
      name: m.name,
      english: m.english ?? m.name,
      ...(m.danish ? { danish: m.danish } : {}),
      ...meta,
    };
  return { id: m.id, name: m.name, ...meta };
};

export const referenceCatalogue = (managed: readonly ManagedReference[] = []): ReferenceCatalogue => {
  const of = <T>(kind: ManagedReference['kind']) =>
    managed.filter((m) => m.kind === kind).map((m) => managedEntry(m) as T);
  const managedServiceAreas = of<ServiceArea & Managed>('service-area');
  const managedUnits = of<Term & Managed>('volume-unit');
  const managedAreas = of<HospitalArea & Managed>('hospital-area');
  const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
  const areaMap = byId(managedAreas);
  const serviceAreaMap = byId(managedServiceAreas);
  const unitMap = byId(managedUnits);
  const serviceArea = (id: string) => serviceAreaById(id) ?? serviceAreaMap.get(id);
  const volumeUnit = (id: string) => volumeUnitById(id) ?? unitMap.get(id);
  const hospitalArea = (id: string) => hospitalAreaById(id) ?? areaMap.get(id);
  return {
    entityCurrency: (entityId) => entityById(entityId)?.currency,
    unknownHospitalAreas: (entityId, ids) => ids.filter((id) => hospitalArea(id)?.entityId !== entityId),
    isKnownHospitalArea: (id) => hospitalArea(id) !== undefined,
    isKnownServiceArea: (id) => serviceArea(id) !== undefined,
    isKnownFormOfCare: (id) => formOfCareById(id) !== undefined,
    isKnownVolumeUnit: (id) => volumeUnit(id) !== undefined,
    cpvCheckDigit,
    serviceArea,
    volumeUnit,
    formOfCare: formOfCareById,
    hospitalArea,
    serviceAreas: () => [...serviceAreas, ...managedServiceAreas],
    volumeUnits: () => [...volumeUnits, ...managedUnits],
    hospitalAreas: () => [...hospitalAreas, ...managedAreas],
  };
};

/** The release's reference data alone (domain tests; what a catalogue without managed items says). */
export const referenceLookups: ReferenceCatalogue = referenceCatalogue();
