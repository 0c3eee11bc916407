import { realpathSync } from 'node:fs';
import { join } from 'node:path';

/** Set by the build of the default task's bundle (generator/projen/launcher.cjs), which lives in `.projen/`. */
declare const FLEET_BUNDLE: boolean | undefined;

/**
 * The generator's own folder, where its templates are and whose code the input digest covers: the parent of this
 * file's folder (`generator/model/`) when running from the sources, `generator/` beside the bundle's `.projen/`
 * when running the bundle.
 */
export const GENERATOR_DIR =
  typeof FLEET_BUNDLE === 'boolean' && FLEET_BUNDLE
    ? realpathSync(join(__dirname, '..', 'generator'))
    : join(__dirname, '..');
