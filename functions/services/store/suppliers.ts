/** The supplier's storage: one item per supplier, listed by name on GSI1. */
import { getItem, type Keyed, type Versioned } from '../../adapters/store.ts';
import type { Supplier } from '../../domain/suppliers.ts';
import { listIndexPage } from './query.ts';

export type SupplierItem = Supplier & Versioned & { GSI1PK: string; GSI1SK: string };

export const supplierKey = (id: string): Keyed => ({ PK: `SUPPLIER#${id}`, SK: 'SUPPLIER' });

export const supplierItem = (s: Omit<Supplier, 'version'>): Omit<SupplierItem, 'version' | 'auditHead'> => ({
  ...supplierKey(s.id),
  ...s,
  GSI1PK: 'SUPPLIERS',
  GSI1SK: `${s.name.toLowerCase()}#${s.id}`,
});

export const getSupplier = (id: string) => getItem<SupplierItem>(supplierKey(id));

export const listSuppliers = (limit: number, cursor?: string) =>
  listIndexPage<SupplierItem>('GSI1', 'SUPPLIERS', { limit, cursor });
