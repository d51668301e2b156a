/** HTTP handler for framework agreements (functions/api/agreements.routes.ts). */
import type { Principal } from '../commons/auth.ts';
import { notFound } from '../commons/errors.ts';
import { httpHandler } from '../commons/http.ts';
import { withoutKeys } from '../commons/store.ts';
import { type AgreementItem, getAgreement, listAgreements } from '../store/agreements.ts';
import { agreementRoutes } from './agreements.routes.ts';

/** A supplier reads its own agreements; everyone else their entity's. Anything else does not exist for them. */
const mayRead = (principal: Principal, a: AgreementItem): boolean =>
  principal.role === 'supplier' ? a.supplierId === principal.supplierId : a.entityId === principal.entityId;

export const handler = httpHandler(agreementRoutes, {
  listAgreements: async ({ principal, query }) => {
    const page = await listAgreements(
      principal.role === 'supplier'
        ? { supplierId: principal.supplierId as string }
        : { entityId: principal.entityId as string },
      query.limit ?? 25,
      query.cursor,
    );
    return {
      body: {
        items: page.items.map((a) => withoutKeys(a)),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
  getAgreement: async ({ principal, params }) => {
    const agreement = await getAgreement(params.agreementId);
    if (!agreement || !mayRead(principal, agreement)) throw notFound('Agreement', params.agreementId);
    return { body: withoutKeys(agreement) };
  },
});
