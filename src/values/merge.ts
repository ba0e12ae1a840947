/**
 * The one merge rule for values layers (base files < generated < overlays):
 * maps merge deeply, lists concatenate, and null never overrides, so an
 * overlay cannot erase a value by accident. The result shares no structure
 * with its inputs: layers are read once and reused for every plan, so a
 * caller that edits a plan's values must not reach into them.
 */
export type Values = Record<string, unknown>;

function isMap(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copy);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
  return v;
}

export function mergeValues(base: Values, top: Values): Values {
  const out = copy(base) as Values;
  for (const [key, value] of Object.entries(top)) {
    if (value === undefined) continue;
    const current = out[key];
    if (value === null) {
      if (!(key in out)) out[key] = null;
      continue;
    }
    if (isMap(current) && isMap(value)) out[key] = mergeValues(current, value);
    else if (Array.isArray(current) && Array.isArray(value)) out[key] = [...current, ...(copy(value) as unknown[])];
    else out[key] = copy(value);
  }
  return out;
}

export function mergeAll(layers: Values[]): Values {
  return layers.reduce<Values>((acc, layer) => mergeValues(acc, layer), {});
}
