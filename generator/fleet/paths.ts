import { CLUSTERS_DIR } from '../config/load-fleet';

export function clusterFolder(name: string): string {
  return `${CLUSTERS_DIR}/${name}`;
}

/** Folders the generator writes into; it never writes or deletes anything outside them. */
export const OUTPUT_ROOTS = [CLUSTERS_DIR] as const;
