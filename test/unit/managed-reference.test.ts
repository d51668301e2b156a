/** The rules of an entity's own reference data (functions/domain/managed-reference.ts), without mocks. */
import { describe, expect, it } from 'vitest';
import {
  editReference,
  MAX_MANAGED_PER_KIND,
  type ManagedReference,
  newReference,
} from '../../functions/domain/managed-reference.ts';
import { referenceCatalogue } from '../../functions/domain/reference-lookups.ts';

const AT = '2026-11-23T09:00:00.000Z';
const made = (r: ReturnType<typeof newReference>) => {
  if ('problems' in r) throw new Error(JSON.stringify(r.problems));
  return { ...r.item, version: 1 } as ManagedReference;
};

describe('newReference', () => {
  it('makes the id from the name, takes the entity and, for a service area, its language', () => {
    expect(
      made(
        newReference(
          'volume-unit',
          'helse-sor-ost',
          { name: 'Laboratorieanalyser', english: 'Laboratory analyses' },
          AT,
          [],
        ),
      ),
    ).toEqual({
      kind: 'volume-unit',
      id: 'laboratorieanalyser',
      entityId: 'helse-sor-ost',
      name: 'Laboratorieanalyser',
      english: 'Laboratory analyses',
      createdAt: AT,
      updatedAt: AT,
      version: 1,
    });
    expect(
      made(
        newReference(
          'service-area',
          'region-sjaelland',
          { name: 'Øjenkirurgi', english: 'Eye surgery' },
          AT,
          [],
        ),
      ),
    ).toMatchObject({ id: 'ojenkirurgi', language: 'da' });
  });

  it("refuses an id the release or any entity uses for the kind, but not another kind's", () => {
    const lab = made(
      newReference('volume-unit', 'helse-sor-ost', { name: 'Analyser', english: 'Analyses' }, AT, []),
    );
    expect(
      newReference('volume-unit', 'helse-vest', { id: 'analyser', name: 'Analyser', english: 'A' }, AT, [
        lab,
      ]),
    ).toEqual({
      problems: [
        { pointer: '#/id', detail: expect.stringContaining('There is a volume unit "analyser" already') },
      ],
    });
    expect(
      newReference('volume-unit', 'helse-vest', { id: 'liggedogn', name: 'Døgn', english: 'Days' }, AT, []),
    ).toEqual({
      problems: [{ pointer: '#/id', detail: expect.stringContaining('one that comes with the product') }],
    });
    expect(
      'item' in
        newReference('service-area', 'helse-vest', { id: 'analyser', name: 'Analyser', english: 'A' }, AT, [
          lab,
        ]),
    ).toBe(true);
  });

  it('refuses a name that makes no id, a missing English name, and names a hospital area does not have', () => {
    expect(newReference('hospital-area', 'helse-vest', { name: '—' }, AT, [])).toEqual({
      problems: [{ pointer: '#/name', detail: expect.stringContaining('(made from the name; give an id)') }],
    });
    expect(newReference('service-area', 'helse-vest', { name: 'Audiologi' }, AT, [])).toEqual({
      problems: [{ pointer: '#/english', detail: expect.stringContaining('needs its English name') }],
    });
    expect(
      newReference('hospital-area', 'helse-vest', { name: 'Bergen', english: 'Bergen' }, AT, []),
    ).toEqual({
      problems: [{ pointer: '#/english', detail: expect.stringContaining('one name') }],
    });
  });

  it(`keeps at most ${MAX_MANAGED_PER_KIND} of a kind per entity; other entities are not counted`, () => {
    const full = Array.from({ length: MAX_MANAGED_PER_KIND }, (_, i) => ({
      kind: 'hospital-area' as const,
      id: `omrade-${i}`,
      entityId: 'helse-vest',
    }));
    expect(newReference('hospital-area', 'helse-vest', { name: 'Ett til' }, AT, full)).toEqual({
      problems: [
        { pointer: '#', detail: expect.stringContaining(`has ${MAX_MANAGED_PER_KIND} hospital areas`) },
      ],
    });
    expect('item' in newReference('hospital-area', 'helse-sor-ost', { name: 'Ett til' }, AT, full)).toBe(
      true,
    );
  });
});

describe('editReference and the catalogue', () => {
  it('renames, keeps id, kind and entity, and still asks for the English name', () => {
    const unit = made(
      newReference('volume-unit', 'helse-sor-ost', { name: 'Analyser', english: 'Analyses' }, AT, []),
    );
    const later = '2026-11-24T09:00:00.000Z';
    expect(editReference(unit, { english: 'Tests' }, later)).toEqual({
      item: { ...unit, english: 'Tests', updatedAt: later },
    });
    expect(editReference(unit, { english: '' }, later)).toMatchObject({
      problems: [{ pointer: '#/english' }],
    });
  });

  it("knows the release's and the entities' own: hospital areas stay their entity's, names come from either", () => {
    const bergen = made(newReference('hospital-area', 'helse-vest', { name: 'Bergen' }, AT, []));
    const unit = made(
      newReference('volume-unit', 'helse-sor-ost', { name: 'Analyser', english: 'Analyses' }, AT, []),
    );
    const c = referenceCatalogue([bergen, unit]);
    expect(c.unknownHospitalAreas('helse-vest', ['bergen', 'helse-vest-region', 'oslo'])).toEqual(['oslo']);
    expect(c.unknownHospitalAreas('helse-sor-ost', ['bergen'])).toEqual(['bergen']);
    expect(c.isKnownHospitalArea('bergen')).toBe(true);
    expect(c.isKnownVolumeUnit('analyser')).toBe(true);
    expect(c.volumeUnit('analyser')).toMatchObject({ name: 'Analyser', english: 'Analyses', managed: true });
    expect(
      c
        .volumeUnits()
        .map((u) => u.id)
        .at(-1),
    ).toBe('analyser');
    expect(referenceCatalogue().isKnownVolumeUnit('analyser')).toBe(false);
  });
});
