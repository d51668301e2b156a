/** The reference data as the tender rules see it (domain/tender.ts ReferenceLookups). */
import {
  cpvCheckDigit,
  entityById,
  isKnownFormOfCare,
  isKnownServiceArea,
  isKnownVolumeUnit,
  unknownHospitalAreas,
} from './reference-data.ts';
import type { ReferenceLookups } from './tender.ts';

export const referenceLookups: ReferenceLookups = {
  entityCurrency: (entityId) => entityById(entityId)?.currency,
  unknownHospitalAreas,
  isKnownServiceArea,
  isKnownFormOfCare,
  isKnownVolumeUnit,
  cpvCheckDigit,
};
