/**
 * The identifiers of a procedure's notices, derived rather than stored: the procedure id (BT-04)
 * from the tender, each notice's id (BT-701) from the tender, its stage and its amendment. eForms
 * asks for UUIDs v4; these have the shape, their bits from SHA-256 rather than chance.
 */
import { sha256 } from '../../shared/canonical.ts';

export type NoticeStage = 'contract' | 'award' | 'modification';

/** A UUID v4 in shape whose bits come from SHA-256 of `seed` (eForms asks for v4; ours are derived, not drawn). */
export const uuidFrom = (seed: string): string => {
  const h = sha256(seed);
  const variant = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The notice id (BT-701) of a tender's notice at a stage (and of an amendment's modification notice). */
export const noticeIdFor = (tenderId: string, stage: NoticeStage, amendmentId?: string): string =>
  uuidFrom(`eforms-notice\n${tenderId}\n${stage}${amendmentId ? `\n${amendmentId}` : ''}`);

/** A notice's version as eForms writes it (BT-757), in its id with a version and to Doffin: 1 → '01'. */
export const versionText = (version: number): string => String(version).padStart(2, '0');

/** The procedure identifier of a tender (BT-04-notice): the same for every notice of its procedure. */
export const procedureIdFor = (tenderId: string): string => uuidFrom(`eforms-procedure\n${tenderId}`);
