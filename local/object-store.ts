/**
 * The S3 stand-in's buckets: versioned, with Object Lock in compliance mode and a default retention,
 * as the digest bucket is on AWS. What S3 does, here too:
 *
 * - A PUT of an existing key adds a version; GET answers the latest (or the version asked for).
 * - Every version is retained until `lastModified + retention` (or the date the PUT asked for): a
 *   DELETE of that version is refused (403 AccessDenied, "object protected by object lock") until
 *   then, on the local clock. A DELETE without a version id removes nothing: it adds a delete
 *   marker (the key is then missing from GET and the list, its versions are all kept), as S3 does
 *   on a versioned bucket; a delete marker itself may be deleted.
 *
 * Kept under `<dir>/<bucket>/<sha256 of the key>/`: `versions.json` (the key and its versions,
 * oldest first) and one file per version's content, each written atomically (tmp + rename, the
 * content before the index that names it); in memory when there is no dir.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

export interface ObjectVersion {
  versionId: string;
  /** A delete marker: the key reads as missing from here on; it has no content and no retention. */
  deleteMarker?: true;
  size: number;
  /** Quoted MD5 of the content, as S3 gives single-part uploads. */
  etag: string;
  lastModified: string;
  contentType?: string;
  metadata?: Record<string, string>;
  /** The checksum the writer sent (`crc32`, `sha256`…: its base64 value), given back on GET. */
  checksum?: { algorithm: string; value: string };
  lockMode?: 'COMPLIANCE' | 'GOVERNANCE';
  retainUntil?: string;
}

interface StoredObject {
  key: string;
  versions: ObjectVersion[];
}

/** An S3 error as the REST-XML protocol answers it. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export const noSuchKey = (key: string) =>
  new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');

/** A version id: random, URL-safe, 32 characters like S3's. */
const newVersionId = () => randomBytes(24).toString('base64url');

const writeAtomically = (path: string, data: Buffer | string) => {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
};

export class LocalBucket {
  private readonly objects = new Map<string, StoredObject>();
  private readonly contents = new Map<string, Buffer>();

  constructor(
    readonly name: string,
    /** `<dataDir>/s3/<bucket>`; in memory when undefined. */
    private readonly dir: string | undefined,
    /** The default retention in years (compliance mode), counted from each version's creation. */
    readonly retentionYears: number,
    private readonly now: () => Date,
  ) {
    if (!dir || !existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const index = resolve(dir, entry.name, 'versions.json');
      if (!entry.isDirectory() || !existsSync(index)) continue;
      const stored = JSON.parse(readFileSync(index, 'utf8')) as StoredObject;
      this.objects.set(stored.key, stored);
    }
  }

  private contentPath(key: string, versionId: string) {
    return this.dir ? resolve(this.dir, hashOf(key), versionId) : undefined;
  }

  private save(stored: StoredObject): void {
    if (this.dir)
      writeAtomically(resolve(this.dir, hashOf(stored.key), 'versions.json'), JSON.stringify(stored));
  }

  private append(key: string, version: ObjectVersion, content?: Buffer): ObjectVersion {
    const stored = this.objects.get(key) ?? { key, versions: [] };
    if (content) {
      const path = this.contentPath(key, version.versionId);
      if (path) writeAtomically(path, content);
      else this.contents.set(`${key}\u0000${version.versionId}`, content);
    }
    const next = { key, versions: [...stored.versions, version] };
    this.save(next);
    this.objects.set(key, next);
    return version;
  }

  /** The version GET answers: the latest, or the one named; NoSuchKey when that is a delete marker. */
  version(key: string, versionId?: string): ObjectVersion {
    const versions = this.objects.get(key)?.versions ?? [];
    const version = versionId ? versions.find((v) => v.versionId === versionId) : versions.at(-1);
    if (!version) {
      if (versionId)
        throw new S3Error('NoSuchVersion', 'The specified version does not exist.', 404, {
          Key: key,
          VersionId: versionId,
        });
      throw noSuchKey(key);
    }
    if (version.deleteMarker)
      throw new S3Error(
        versionId ? 'MethodNotAllowed' : 'NoSuchKey',
        versionId
          ? 'The specified method is not allowed against this resource.'
          : 'The specified key does not exist.',
        versionId ? 405 : 404,
        { Key: key },
      );
    return version;
  }

  content(key: string, version: ObjectVersion): Buffer {
    const path = this.contentPath(key, version.versionId);
    return path
      ? readFileSync(path)
      : (this.contents.get(`${key}\u0000${version.versionId}`) ?? Buffer.alloc(0));
  }

  /** Whether the key has a current version (not a delete marker). */
  exists(key: string): boolean {
    const latest = this.objects.get(key)?.versions.at(-1);
    return latest !== undefined && !latest.deleteMarker;
  }

  put(
    key: string,
    content: Buffer,
    options: {
      contentType?: string;
      metadata?: Record<string, string>;
      checksum?: { algorithm: string; value: string };
      lockMode?: 'COMPLIANCE' | 'GOVERNANCE';
      retainUntil?: Date;
    } = {},
  ): ObjectVersion {
    const now = this.now();
    const retainUntil = options.retainUntil ?? new Date(now.getTime());
    if (!options.retainUntil) retainUntil.setUTCFullYear(now.getUTCFullYear() + this.retentionYears);
    return this.append(
      key,
      {
        versionId: newVersionId(),
        size: content.length,
        etag: `"${createHash('md5').update(content).digest('hex')}"`,
        lastModified: now.toISOString(),
        ...(options.contentType ? { contentType: options.contentType } : {}),
        ...(options.metadata && Object.keys(options.metadata).length ? { metadata: options.metadata } : {}),
        ...(options.checksum ? { checksum: options.checksum } : {}),
        lockMode: options.lockMode ?? 'COMPLIANCE',
        retainUntil: retainUntil.toISOString(),
      },
      content,
    );
  }

  /**
   * DeleteObject. Without a version id: a delete marker (nothing removed). With one: that version is
   * removed unless retained (AccessDenied); a delete marker always may be.
   */
  delete(key: string, versionId?: string): { versionId?: string; deleteMarker: boolean } {
    if (!versionId) {
      const marker = this.append(key, {
        versionId: newVersionId(),
        deleteMarker: true,
        size: 0,
        etag: '',
        lastModified: this.now().toISOString(),
      });
      return { versionId: marker.versionId, deleteMarker: true };
    }
    const stored = this.objects.get(key);
    const version = stored?.versions.find((v) => v.versionId === versionId);
    if (!stored || !version) return { versionId, deleteMarker: false };
    if (
      !version.deleteMarker &&
      version.retainUntil &&
      Date.parse(version.retainUntil) > this.now().getTime()
    )
      throw new S3Error('AccessDenied', 'Access Denied because object protected by object lock.', 403);
    const next = { key, versions: stored.versions.filter((v) => v !== version) };
    this.save(next);
    this.objects.set(key, next);
    // The content stays on disk: S3 frees it, locally nothing is lost by keeping it.
    this.contents.delete(`${key}\u0000${versionId}`);
    return { versionId, deleteMarker: version.deleteMarker === true };
  }

  /** The keys that have a current version, sorted as S3 lists them (by UTF-8 bytes). */
  keys(prefix = ''): string[] {
    return [...this.objects.keys()]
      .filter((key) => key.startsWith(prefix) && this.exists(key))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  }

  /** Every version of the keys under the prefix, newest first per key (ListObjectVersions). */
  versions(prefix = ''): { key: string; version: ObjectVersion; latest: boolean }[] {
    return [...this.objects.values()]
      .filter((o) => o.key.startsWith(prefix))
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
      .flatMap((o) =>
        [...o.versions].reverse().map((version, i) => ({ key: o.key, version, latest: i === 0 })),
      );
  }

  /**
   * An auditor's copy of the bucket: the current version of every key written to `<target>/<key>`
   * (what `aws s3 sync s3://<bucket> <target>` does). Returns the keys copied.
   */
  copyTo(target: string): string[] {
    const root = resolve(target);
    const copied: string[] = [];
    for (const key of this.keys()) {
      const path = resolve(root, key);
      const inside = relative(root, path);
      // A key that is no file name below the target (`../x`, `a/`) is left out, as the CLI does.
      if (!inside || inside.startsWith('..') || isAbsolute(inside) || key.endsWith('/')) continue;
      writeAtomically(path, this.content(key, this.version(key)));
      copied.push(key);
    }
    return copied;
  }
}
