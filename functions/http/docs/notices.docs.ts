/**
 * The descriptions and examples of the eForms notice routes (functions/http/routes/notices.routes.ts),
 * read only by the OpenAPI generator (functions/http/openapi.ts), so only docsApi bundles them.
 */
import * as ex from '../examples.ts';
import { noticeRoutes } from '../routes/notices.routes.ts';
import { documentRoutes } from './route-docs.ts';

export const noticeDocs = documentRoutes(noticeRoutes, {
  listNotices: {
    description:
      'The notices the tender owes at each stage: the contract notice (subtype 20, or E3 below the threshold) from the draft on, the award notice (33, or E4) when the standstill has ended, and a modification notice (38) for each confirmed amendment of its agreements whose legal basis asks for one (article 72(1)(b) and (c)). Each with its state (`ready`, `incomplete` with what is `missing` and where to add it, `submitted`, `accepted`, `rejected`, `published`, `changed` when the data no longer says what the last version says) and every submitted version with what Doffin answered. Another entity’s tender is 404.',
    responses: { 200: { example: ex.noticesExample } },
  },
  getNotice: {
    description:
      'Without `version`: the notice as the product would submit it now (the next version). With `version`: that version exactly as it was submitted. A notice that cannot be made yet is 409 with what is missing.',
    responses: { 200: { rawExamples: { 'application/xml': ex.noticeXmlExample } } },
  },
  submitNotice: {
    description:
      'Makes the notice from the data as it is, checks it against the eForms XSDs (a refusal is 422 with xmllint’s messages, and nothing is sent), and submits it to Doffin as its next version: 1 at first, the same again after a rejection, the next after a change of a published notice. Doffin’s rejection is recorded and answered 422 with its messages; a version that waits to be published, or a notice that says nothing new, is 409. Audited (notice.submitted, notice.rejected). Doffin not answering is 503: nothing was recorded, submit again.',
    responses: { 200: { example: ex.noticeSubmittedExample } },
  },
  refreshNotice: {
    description:
      'Doffin publishes an accepted notice later; this asks for the newest version’s state and records what changed: published, with its Doffin id (and TED’s), audited as notice.published. A notice never submitted is 409.',
    responses: { 200: { example: ex.noticePublishedExample } },
  },
  getNoticeSettings: {
    description:
      "What the entity's notices say that the product does not otherwise hold: the buyer's contact point, the review body, where suppliers submit bids, the light regime's threshold. 404 until an officer sets them, and for another entity.",
    responses: { 200: { example: ex.noticeSettingsExample } },
  },
  putNoticeSettings: {
    description:
      'Replaces them as a whole; send the version you read (0 or none the first time; a stale one is 409). Notices not yet submitted say the new settings at once; submitted ones show as `changed` where the settings change what they say. Audited (settings.notices-updated).',
    bodyExample: ex.noticeSettingsBodyExample,
    responses: { 200: { example: ex.noticeSettingsExample } },
  },
});
