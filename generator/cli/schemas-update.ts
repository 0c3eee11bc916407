import { PLATFORM_MODULES } from '../../platform';
import { sourceVersion } from '../model/platform-module';
import { SCHEMAS_DIR } from '../model/vendor-files';
import { describeChanges, UPSTREAM_BASE_URL, updateSchemas, UpstreamProblem } from '../vendor/update-schemas';

/**
 * `npx projen schemas:update`: fetches the vendored schemas again from upstream (the CRDs at the releases the
 * platform modules pin, the Kubernetes definitions, the workflow schema) and prints what changed.
 * `SCHEMAS_UPDATE_BASE_URL` replaces GitHub's raw file host (a mirror, or a test server).
 */
async function main() {
  const moduleVersions = new Map(
    PLATFORM_MODULES.flatMap((m) => (m.source ? [[m.name, sourceVersion(m.source)] as const] : [])),
  );
  const baseUrl = process.env.SCHEMAS_UPDATE_BASE_URL || UPSTREAM_BASE_URL;
  try {
    const changes = await updateSchemas({ schemasDir: SCHEMAS_DIR, moduleVersions, baseUrl });
    for (const line of describeChanges(changes)) console.log(line);
  } catch (error) {
    if (!(error instanceof UpstreamProblem)) throw error;
    console.error(`error: ${error.message}\nnothing was written`);
    process.exit(1);
  }
}

void main();
