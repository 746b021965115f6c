/**
 * Disjoint sets over 0…n−1 (union–find with path halving): which items end up joined, whatever order
 * the joins come in.
 */
export function disjointSets(n: number): { root(i: number): number; join(a: number, b: number): void } {
  const parent = Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => {
    let at = i;
    while (parent[at] !== at) {
      parent[at] = parent[parent[at] as number] as number;
      at = parent[at] as number;
    }
    return at;
  };
  return {
    root,
    join: (a, b) => {
      parent[root(b)] = root(a);
    },
  };
}
