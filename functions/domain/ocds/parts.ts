/**
 * The parts the OCDS releases of both kinds of process are made of (functions/domain/ocds/process.ts,
 * call-offs.ts): an organisation in its roles, an amount in its currency. Pure: no AWS.
 */

import { entityById } from '../reference-data.ts';

export type Json = Record<string, unknown>;

export const party = (id: string, name: string, roles: string[]) => ({ id, name, roles });

export const money = (amount: number, currency: string) => ({
  amount: Math.round(amount * 100) / 100,
  currency,
});

/** The language of a release: the procuring entity's (Norwegian bokmål, or Danish). */
export type Language = 'nb' | 'da';

/** The language an entity publishes in: Danish for a Danish entity, Norwegian bokmål otherwise. */
export const languageOf = (entityId: string): Language => entityById(entityId)?.language ?? 'nb';

/** A term of the reference data in the release's language (its id when unknown). */
export const termIn = (
  lang: Language,
  term: { name: string; danish?: string } | undefined,
  id: string,
): string => (term ? (lang === 'da' ? (term.danish ?? term.name) : term.name) : id);

/** What the publication itself writes, in the release's language. */
export const phrases = {
  nb: {
    procurementMethodDetails: 'Åpen anbudskonkurranse om rammeavtale',
    options: (n: number, months: string) => `${n === 1 ? 'Én opsjon' : `${n} opsjoner`}: ${months}`,
    months: (m: number) => `${m} måneder`,
    renewal: 'Opsjoner på forlengelse',
    deadlineExtended: 'Tilbudsfristen er forlenget',
    tenderChanged: 'Konkurransegrunnlaget er endret',
    optionExercised: 'Opsjon utløst',
    noticeGiven: (endsOn: string) => `Avtalen er sagt opp og løper ut ${endsOn}`,
    performanceAgreement: 'Ytelsesavtale',
  },
  da: {
    procurementMethodDetails: 'Offentligt udbud af rammeaftale',
    options: (n: number, months: string) => `${n === 1 ? 'Én option' : `${n} optioner`}: ${months}`,
    months: (m: number) => `${m} måneder`,
    renewal: 'Optioner på forlængelse',
    deadlineExtended: 'Tilbudsfristen er forlænget',
    tenderChanged: 'Udbudsmaterialet er ændret',
    optionExercised: 'Option udnyttet',
    noticeGiven: (endsOn: string) => `Aftalen er opsagt og udløber ${endsOn}`,
    performanceAgreement: 'Ydelsesaftale',
  },
} as const;
