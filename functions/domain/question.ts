/** Questions suppliers ask during the tender period, and the officer's answers. Pure. */
import type { Tender } from './tender.ts';
import { questionsCloseAt } from './tender.ts';

export interface Question {
  id: string;
  tenderId: string;
  entityId: string;
  lotId?: string;
  text: string;
  /** Kept for the officer's and the auditor's eyes; never shown to suppliers. */
  askedBy: { supplierId: string; sub: string; name: string };
  askedAt: string;
  answer?: { text: string; by: { sub: string; name: string }; at: string };
  version: number;
}

/** Why a question cannot be asked now, or undefined when it can. */
export const cannotAsk = (
  tender: Pick<Tender, 'status' | 'bidDeadline' | 'questionsCloseHours'>,
  now: Date,
) => {
  if (tender.status !== 'tendering')
    return `The tender is ${tender.status}; questions are asked while it is open`;
  const closes = questionsCloseAt(tender);
  if (now.getTime() >= closes.getTime())
    return `Questions closed at ${closes.toISOString()}, ${tender.questionsCloseHours} hours before the bid deadline`;
  return undefined;
};

/** What a supplier (any supplier) sees: the question and answer, never who asked. */
export const publicQuestion = (q: Question, viewerSupplierId?: string) => ({
  id: q.id,
  tenderId: q.tenderId,
  ...(q.lotId ? { lotId: q.lotId } : {}),
  text: q.text,
  askedAt: q.askedAt,
  ...(q.answer ? { answer: { text: q.answer.text, at: q.answer.at } } : {}),
  ...(viewerSupplierId !== undefined ? { askedByYou: q.askedBy.supplierId === viewerSupplierId } : {}),
  version: q.version,
});
