/** A JSON document on disk, written atomically (tmp + rename); in memory when there is no path. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class JsonFile<T> {
  constructor(
    readonly path: string | undefined,
    private readonly empty: () => T,
  ) {}

  read(): T {
    if (!this.path || !existsSync(this.path)) return this.empty();
    return { ...this.empty(), ...(JSON.parse(readFileSync(this.path, 'utf8')) as T) };
  }

  write(value: T): void {
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, this.path);
  }
}
