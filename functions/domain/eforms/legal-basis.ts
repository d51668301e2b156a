/** The legal basis of a contract modification, by article 72 of directive 2014/24/EU (no imports: amendments name it). */

/**
 * The legal basis of a contract modification (BT-200-Contract, modification-justification), by
 * article 72 of directive 2014/24/EU.
 */
export const modificationReasons = {
  /** 72(1)(a): provided for in the procurement documents (a review clause or option). */
  'mod-rev': '72(1)(a)',
  /** 72(1)(b): additional services by the original contractor. */
  'add-wss': '72(1)(b)',
  /** 72(1)(c): circumstances a diligent buyer could not foresee. */
  'mod-cir': '72(1)(c)',
  /** 72(1)(d): a new contractor replaces the original one. */
  'mod-repl': '72(1)(d)',
  /** 72(1)(e) and 72(4): not substantial. */
  'mod-nons': '72(1)(e)',
  /** 72(2): below the de minimis values. */
  'mod-minv': '72(2)',
} as const;
export type ModificationReason = keyof typeof modificationReasons;

/**
 * Whether a modification is announced with a notice: article 72(1), last subparagraph, asks for
 * one after modifications under points (b) and (c).
 */
export const modificationNoticeRequired = (reason: ModificationReason): boolean =>
  reason === 'add-wss' || reason === 'mod-cir';
