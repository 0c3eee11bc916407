/**
 * Orders nodes so that each comes after everything it needs: waves of nodes whose needs are all in
 * earlier waves, sorted within a wave. Needs outside `needs`' keys count as met (another cluster's units).
 * When some nodes can never be placed, they form or wait on a cycle: returned in `blocked`.
 */
export function topologicalWaves(needs: ReadonlyMap<string, Iterable<string>>): {
  waves: string[][];
  blocked: string[];
} {
  const pending = new Map([...needs].map(([node, ns]) => [node, new Set([...ns].filter((n) => needs.has(n)))]));
  const done = new Set<string>();
  const waves: string[][] = [];
  for (;;) {
    const wave = [...pending.keys()].filter((node) => [...pending.get(node)!].every((n) => done.has(n))).sort();
    if (!wave.length) break;
    for (const node of wave) {
      done.add(node);
      pending.delete(node);
    }
    waves.push(wave);
  }
  return { waves, blocked: [...pending.keys()].sort() };
}
