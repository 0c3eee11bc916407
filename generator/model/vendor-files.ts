import { join } from 'node:path';
import { GENERATOR_DIR } from './generator-dir';

/**
 * Upstream data the generator reads at run time, vendored into the repository (`vendor/`, with the source and
 * license of each file in `vendor/README.md`) so that a fork needs nothing beside it. `npx projen schemas:update`
 * and `npx projen instances:update` refresh them from upstream.
 */
export const VENDOR_DIR = join(GENERATOR_DIR, '..', 'vendor');
/** The vendored schemas (`npx projen schemas:update` refreshes them; `SOURCES.md` says from where). */
export const SCHEMAS_DIR = join(VENDOR_DIR, 'schemas');

/** The EC2 instance table: facts and on-demand prices of the instance types pools and recipes may name. */
export const INSTANCE_TABLE = join(VENDOR_DIR, 'data', 'ec2-instance-types.json');
/** The Kubernetes version whose API definitions objects are validated against (and `import:k8s` reads). */
export const KUBERNETES_VERSION = 'v1.35.0';
/** The Kubernetes API definitions, in the form `cdk8s import k8s` downloads them. */
export const KUBERNETES_DEFINITIONS = join(SCHEMAS_DIR, 'kubernetes', KUBERNETES_VERSION, '_definitions.json');
/** The CustomResourceDefinitions of the kinds the generator emits, at the versions it emits, one file each. */
export const CRD_DIR = join(SCHEMAS_DIR, 'crds');
/** The GitHub Actions workflow schema (SchemaStore). */
export const WORKFLOW_SCHEMA = join(SCHEMAS_DIR, 'github-workflow.json');
/** Variables and outputs of the pinned terraform-aws-modules modules, one file each. */
export const TERRAFORM_MODULE_DIR = join(SCHEMAS_DIR, 'terraform');
