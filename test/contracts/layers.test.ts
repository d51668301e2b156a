/**
 * The layers of functions/ (scripts/layers.ts): no import against the direction, no import between
 * entry-point folders, no cycle between files, and docs/layers.md pictures the imports as they are.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, layersDocument, PICTURE_FILE, root, violations } from '../../scripts/layers.ts';

describe('the layers of functions/', () => {
  const graph = importGraph();

  it('reads the imports of every file under functions/', () => {
    expect(graph.size).toBeGreaterThan(60);
    expect(graph.get('functions/handlers/api/tenders.ts')).toContain('functions/domain/tender-lifecycle.ts');
  });

  it('has no import against the direction and none between entry-point folders', () => {
    expect(violations(graph)).toEqual([]);
  });

  it('has no import cycle between files', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('docs/layers.md pictures the imports as they are (npm run layers)', () => {
    expect(readFileSync(join(root, PICTURE_FILE), 'utf8')).toBe(layersDocument(graph));
  });

  it('catches an import upwards, one between entry points, and a cycle', () => {
    const bad = new Map(graph);
    bad.set('functions/domain/tender.ts', ['functions/adapters/store.ts']);
    bad.set('functions/handlers/tasks/tender-tasks.ts', ['functions/handlers/api/tenders.ts']);
    bad.set('functions/shared/clock.ts', ['functions/shared/ids.ts']);
    bad.set('functions/shared/ids.ts', ['functions/shared/clock.ts']);
    expect(violations(bad)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'functions/domain/tender.ts → functions/adapters/store.ts: domain may not use adapters',
        ),
        expect.stringContaining('may not use its sibling functions/handlers/api'),
      ]),
    );
    expect(cycles(bad)).toContainEqual(['functions/shared/clock.ts', 'functions/shared/ids.ts']);
  });
});
