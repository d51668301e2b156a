/**
 * Loading a tender for a request: found, and visible or writable to the caller (functions/http/auth.ts
 * decides); and the supplier a supplier token names, registered.
 */

import type { Principal } from '../../domain/actors.ts';
import { seedSuppliers } from '../../domain/reference-data.ts';
import { isPublic, type Tender } from '../../domain/tender.ts';
import { type Action, authorize } from '../../http/auth.ts';
import { forbidden, notFound } from '../../http/errors.ts';
import { getSupplier } from '../../services/store/suppliers.ts';
import { getTender, type TenderItem } from '../../services/store/tenders.ts';

/**
 * Suppliers known to be registered. Suppliers are never deleted, and the seeded ones are created at
 * every deploy and start before the API serves anyone: once known, known for the life of the function.
 */
const registered = new Set<string>(seedSuppliers.map((s) => s.id));

/**
 * A supplier token must name a registered supplier: its organisation (custom:supplier) is not
 * reference data the edge can check, so it is checked here, before a supplier reads or acts.
 * Others pass.
 */
export const assertRegisteredSupplier = async (principal: Principal): Promise<void> => {
  if (principal.role !== 'supplier') return;
  const id = principal.supplierId as string;
  if (registered.has(id)) return;
  if (!(await getSupplier(id)))
    throw forbidden(
      `The token names the supplier "${id}", which is not registered (see GET /reference/suppliers)`,
    );
  registered.add(id);
};

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
  await assertRegisteredSupplier(principal);
  const tender = await getTender(tenderId);
  if (!tender) throw notFound('Tender', tenderId);
  authorize(principal, action, tenderResource(tender));
  return tender;
};

/** The entity's own people (officers, evaluators, auditors) as opposed to suppliers and other entities. */
export const isOwnEntity = (principal: Principal, tender: Pick<Tender, 'entityId'>): boolean =>
  principal.entityId !== undefined && principal.entityId === tender.entityId;
