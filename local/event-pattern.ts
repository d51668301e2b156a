/**
 * EventBridge event pattern matching (no maintained npm library does it). Supported: exact values,
 * nested objects, prefix, suffix, anything-but (value, list, prefix), exists, numeric ranges,
 * equals-ignore-case, wildcard. An array in the event matches when any element matches.
 */
type Pattern = Record<string, unknown>;

const wildcardToRegExp = (w: string) =>
  new RegExp(`^${w.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);

const numericMatch = (value: unknown, conditions: unknown[]): boolean => {
  if (typeof value !== 'number') return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = conditions[i + 1] as number;
    const ok =
      op === '='
        ? value === bound
        : op === '<'
          ? value < bound
          : op === '<='
            ? value <= bound
            : op === '>'
              ? value > bound
              : op === '>='
                ? value >= bound
                : false;
    if (!ok) return false;
  }
  return true;
};

const matchOne = (rule: unknown, value: unknown, present: boolean): boolean => {
  if (rule === null || typeof rule !== 'object') return present && value === rule;
  const r = rule as Record<string, unknown>;
  if ('exists' in r) return r.exists === present;
  if (!present) return false; // only `exists: false` matches an absent field
  if ('prefix' in r) {
    const p = r.prefix;
    if (typeof p === 'object' && p && 'equals-ignore-case' in p)
      return (
        typeof value === 'string' &&
        value
          .toLowerCase()
          .startsWith(String((p as Record<string, unknown>)['equals-ignore-case']).toLowerCase())
      );
    return typeof value === 'string' && value.startsWith(String(p));
  }
  if ('suffix' in r) return typeof value === 'string' && value.endsWith(String(r.suffix));
  if ('equals-ignore-case' in r)
    return typeof value === 'string' && value.toLowerCase() === String(r['equals-ignore-case']).toLowerCase();
  if ('wildcard' in r) return typeof value === 'string' && wildcardToRegExp(String(r.wildcard)).test(value);
  if ('numeric' in r) return numericMatch(value, r.numeric as unknown[]);
  if ('anything-but' in r) {
    const but = r['anything-but'];
    if (Array.isArray(but)) return !but.includes(value);
    if (but && typeof but === 'object' && 'prefix' in but)
      return typeof value === 'string' && !value.startsWith(String((but as Record<string, unknown>).prefix));
    return value !== but;
  }
  return false;
};

const matchField = (rules: unknown, value: unknown, present: boolean): boolean => {
  if (Array.isArray(rules)) {
    const values = Array.isArray(value) ? value : [value];
    return rules.some((rule) =>
      rule !== null && typeof rule === 'object' && ('exists' in rule || 'anything-but' in rule)
        ? Array.isArray(value)
          ? values.some((v) => matchOne(rule, v, present))
          : matchOne(rule, value, present)
        : values.some((v) => matchOne(rule, v, present)),
    );
  }
  if (rules && typeof rules === 'object') {
    if (!present || value === null || typeof value !== 'object') {
      // A nested pattern over a missing object matches only if all its leaves accept absence.
      return Object.values(rules).every((sub) => matchField(sub, undefined, false));
    }
    return matches(rules as Pattern, value as Record<string, unknown>);
  }
  return false;
};

export const matches = (pattern: Pattern, event: Record<string, unknown>): boolean =>
  Object.entries(pattern).every(([key, rules]) =>
    matchField(rules, event[key], key in event && event[key] !== undefined),
  );
