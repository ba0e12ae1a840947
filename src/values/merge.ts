/**
 * The one merge rule for values layers (base files < generated < overlays):
 * maps merge deeply, lists concatenate, and null never overrides, so an
 * overlay cannot erase a value by accident.
 */
export type Values = Record<string, unknown>;

function isMap(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergeValues(base: Values, top: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(top)) {
    if (value === null || value === undefined) {
      if (!(key in out)) out[key] = value;
      continue;
    }
    const current = out[key];
    if (isMap(current) && isMap(value)) out[key] = mergeValues(current, value);
    else if (Array.isArray(current) && Array.isArray(value)) out[key] = [...current, ...value];
    else out[key] = value;
  }
  return out;
}

export function mergeAll(layers: Values[]): Values {
  return layers.reduce<Values>((acc, layer) => mergeValues(acc, layer), {});
}
