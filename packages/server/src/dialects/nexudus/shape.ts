/**
 * Nexudus' `_shape` query parameter: a comma-separated list of field paths
 * (`Records.FullName,TotalItems`) to keep in the response. Arrays are walked through, so
 * `Records.FullName` keeps the name of every record. Unknown paths keep nothing.
 */
export function parseShape(shape: string | undefined): ShapeTree | undefined {
  const paths = (shape ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  if (paths.length === 0) return undefined;
  const tree: ShapeTree = new Map();
  for (const path of paths) {
    let node = tree;
    for (const part of path.split('.')) {
      let next = node.get(part);
      if (next === true) break; // an ancestor is already kept whole
      if (!next) node.set(part, (next = new Map()));
      node = next;
    }
  }
  return tree;
}

/** A path's end keeps the value whole; an inner node keeps only its named children. */
export type ShapeTree = Map<string, ShapeTree | true>;

export function applyShape(value: unknown, tree: ShapeTree | undefined): unknown {
  if (!tree) return value;
  if (Array.isArray(value)) return value.map((v) => applyShape(v, tree));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of tree) {
    if (!Object.hasOwn(value, key)) continue;
    const v = (value as Record<string, unknown>)[key];
    out[key] = child === true || child.size === 0 ? v : applyShape(v, child);
  }
  return out;
}
