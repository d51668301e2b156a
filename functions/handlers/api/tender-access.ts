/** Loading a tender for a request: found, and visible or writable to the caller (commons/auth.ts decides). */

import type { Principal } from '../../domain/actors.ts';
import { isPublic, type Tender } from '../../domain/tender.ts';
import { type Action, authorize } from '../../http/auth.ts';
import { notFound } from '../../http/errors.ts';
import { getTender, type TenderItem } from '../../services/store/tenders.ts';

export const tenderResource = (t: Pick<Tender, 'id' | 'entityId' | 'status'>) => ({
  kind: 'Tender',
  id: t.id,
  entityId: t.entityId,
  public: isPublic(t),
});

export const loadTender = async (
  principal: Principal,
  tenderId: string,
  action: Action,
): Promise<TenderItem> => {
  const tender = await getTender(tenderId);
  if (!tender) throw notFound('Tender', tenderId);
  authorize(principal, action, tenderResource(tender));
  return tender;
};

/** The entity's own people (officers, evaluators, auditors) as opposed to suppliers and other entities. */
export const isOwnEntity = (principal: Principal, tender: Pick<Tender, 'entityId'>): boolean =>
  principal.entityId !== undefined && principal.entityId === tender.entityId;
