/** eForms notices from the product's own data (docs/eforms.md). */
export {
  awardNotice,
  contractNotice,
  modificationNotice,
  type Notice,
  type NoticeIdentity,
  procedureIdFor,
  type Subtype,
} from './notices.ts';
export {
  type BuyerContact,
  type ModificationReason,
  modificationNoticeRequired,
  modificationReasons,
  type NoticeLanguage,
  type NoticeOrganisation,
  type NoticeSupplier,
  noticeLanguages,
} from './terms.ts';
