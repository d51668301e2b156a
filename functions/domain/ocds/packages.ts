/**
 * OCDS 1.1.5 packages: the release package and the record package (with the compiled release, by the
 * merge of OCDS), carrying the publisher's metadata, ocid prefix and extensions. Pure: no AWS.
 */
import type { Json } from './parts.ts';

export const OCID_PREFIX = 'ocds-hk4j9p';
export const OCDS_EXTENSIONS = [
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/master/extension.json',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_renewal_extension/master/extension.json',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_options_extension/master/extension.json',
];

/**
 * Where the publication is read, from the request's headers: the scheme the client used
 * (`X-Forwarded-Proto`, which API Gateway sets, or `Forwarded: proto=`), else http on a loopback
 * host (the local product) and https anywhere else; and the host it asked for.
 */
export const publicationBaseUrl = (headers: Record<string, string | undefined>): string => {
  const host = headers.host ?? 'helsekjop.example';
  const forwarded = /(?:^|[;,\s])proto=([a-z]+)/i.exec(headers.forwarded ?? '')?.[1];
  const proto = (headers['x-forwarded-proto']?.split(',')[0]?.trim() ?? forwarded)?.toLowerCase();
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(host);
  const scheme = proto === 'http' || proto === 'https' ? proto : loopback ? 'http' : 'https';
  return `${scheme}://${host}`;
};

/** The merge of OCDS: objects field by field, arrays of objects with ids by id, anything else replaced. */
export const mergeReleases = (releases: Json[]): Json => {
  const merge = (a: unknown, b: unknown): unknown => {
    if (b === null) return undefined;
    if (Array.isArray(b)) {
      if (Array.isArray(a) && b.every((x) => x && typeof x === 'object' && 'id' in (x as Json))) {
        const out = [...(a as Json[])];
        for (const item of b as Json[]) {
          const i = out.findIndex((x) => x.id === item.id);
          if (i >= 0) out[i] = merge(out[i], item) as Json;
          else out.push(item);
        }
        return out;
      }
      return b;
    }
    if (b && typeof b === 'object') {
      const out: Json = { ...((a && typeof a === 'object' && !Array.isArray(a) ? a : {}) as Json) };
      for (const [k, v] of Object.entries(b as Json)) {
        const m = merge(out[k], v);
        if (m === undefined) delete out[k];
        else out[k] = m;
      }
      return out;
    }
    return b;
  };
  const compiled = releases.reduce<Json>((acc, r) => merge(acc, r) as Json, {});
  const last = releases.at(-1) ?? {};
  return { ...compiled, id: `${String(last.ocid)}-compiled`, tag: ['compiled'], date: last.date };
};

export const releasePackage = (releases: Json[], uri: string, publishedDate: string) => ({
  uri,
  version: '1.1',
  extensions: OCDS_EXTENSIONS,
  publishedDate,
  publisher: { name: 'Helsekjøp' },
  license: 'https://creativecommons.org/licenses/by/4.0/',
  publicationPolicy: 'https://helsekjop.no/publication-policy',
  releases,
});

export const recordPackage = (ocid: string, releases: Json[], uri: string, publishedDate: string) => ({
  uri,
  version: '1.1',
  extensions: OCDS_EXTENSIONS,
  publishedDate,
  publisher: { name: 'Helsekjøp' },
  records: [{ ocid, releases, compiledRelease: mergeReleases(releases) }],
});
