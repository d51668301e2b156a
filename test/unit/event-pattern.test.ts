/** The local bus's EventBridge pattern matcher, against the rules of EventBridge's documentation. */
import { describe, expect, it } from 'vitest';
import { subscriptions } from '../../functions/manifest.ts';
import { matches } from '../../local/event-pattern.ts';

const event = (overrides: Record<string, unknown> = {}) => ({
  source: 'helsekjop',
  'detail-type': 'Tender.Announced',
  account: '000000000000',
  detail: { tenderId: 't1', entityId: 'helse-sor-ost', lots: ['a', 'b'], volume: 750 },
  ...overrides,
});

describe('event pattern matching', () => {
  it('delivers the manifest subscription exactly the tender and agreement events', () => {
    const pattern = subscriptions.find((s) => s.name === 'notify-participants')?.pattern ?? {};
    expect(matches(pattern, event())).toBe(true);
    expect(matches(pattern, event({ 'detail-type': 'Agreement.Created' }))).toBe(true);
    expect(matches(pattern, event({ 'detail-type': 'Supplier.Created' }))).toBe(false);
    expect(matches(pattern, event({ source: 'someone-else' }))).toBe(false);
  });

  it('matches exact values, and any element of an array in the event', () => {
    expect(matches({ detail: { entityId: ['helse-vest', 'helse-sor-ost'] } }, event())).toBe(true);
    expect(matches({ detail: { lots: ['b'] } }, event())).toBe(true);
    expect(matches({ detail: { lots: ['c'] } }, event())).toBe(false);
  });

  it('supports prefix, suffix, equals-ignore-case and wildcard', () => {
    expect(matches({ 'detail-type': [{ prefix: 'Tender.' }] }, event())).toBe(true);
    expect(matches({ 'detail-type': [{ suffix: '.Announced' }] }, event())).toBe(true);
    expect(matches({ 'detail-type': [{ 'equals-ignore-case': 'tender.announced' }] }, event())).toBe(true);
    expect(matches({ 'detail-type': [{ wildcard: 'Tender.*ced' }] }, event())).toBe(true);
    expect(matches({ 'detail-type': [{ wildcard: 'Agreement.*' }] }, event())).toBe(false);
  });

  it('supports anything-but (a value, a list, a prefix), which never matches an absent field', () => {
    expect(matches({ detail: { entityId: [{ 'anything-but': 'helse-vest' }] } }, event())).toBe(true);
    expect(matches({ detail: { entityId: [{ 'anything-but': ['helse-sor-ost'] }] } }, event())).toBe(false);
    expect(matches({ detail: { entityId: [{ 'anything-but': { prefix: 'helse-' } }] } }, event())).toBe(
      false,
    );
    expect(matches({ detail: { missing: [{ 'anything-but': 'x' }] } }, event())).toBe(false);
  });

  it('supports exists and numeric ranges', () => {
    expect(matches({ detail: { tenderId: [{ exists: true }] } }, event())).toBe(true);
    expect(matches({ detail: { reason: [{ exists: false }] } }, event())).toBe(true);
    expect(matches({ detail: { tenderId: [{ exists: false }] } }, event())).toBe(false);
    expect(matches({ detail: { volume: [{ numeric: ['>', 500, '<=', 750] }] } }, event())).toBe(true);
    expect(matches({ detail: { volume: [{ numeric: ['<', 500] }] } }, event())).toBe(false);
  });

  it('requires every field of the pattern (AND across fields, OR within a field)', () => {
    expect(matches({ source: ['helsekjop'], detail: { entityId: ['helse-vest'] } }, event())).toBe(false);
    expect(matches({ source: ['helsekjop'], detail: { entityId: ['helse-sor-ost'] } }, event())).toBe(true);
  });
});
