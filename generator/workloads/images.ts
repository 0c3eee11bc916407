import type { WorkloadStep } from './pipeline';
import { fieldPath, type Problem } from '../config/problems';
import { didYouMeanSuffix } from '../instances/did-you-mean';
import type { NodePool } from '../model/cluster-spec';
import {
  DIGEST_FILE,
  IMAGE_REFERENCE,
  IMAGES_DIR,
  platformArchitecture,
  registryHost,
  type ImageCatalog,
} from '../model/image-spec';
import type { RecipeInput } from '../recipes/load-recipes';
import type { RecipeBody } from '../recipes/recipe-schema';

/** An image a step names, where it is in the step, and how to put another in its place. */
interface ImageField {
  readonly value: string;
  readonly path: PropertyKey[];
  readonly set: (body: RecipeBody, image: string) => RecipeBody;
}

/** The images a step names: its `image` (or `image.name` in the `{name, pull_policy}` form), each model's. */
function imageFields(step: WorkloadStep): ImageField[] {
  const fields: ImageField[] = [];
  const image = step.body.image;
  if (typeof image === 'string') {
    fields.push({ value: image, path: ['image'], set: (b, v) => ({ ...b, image: v }) });
  } else if (image && typeof image.name === 'string') {
    fields.push({
      value: image.name,
      path: ['image', 'name'],
      set: (b, v) => ({ ...b, image: { ...(b.image as object), name: v } }),
    });
  }
  (step.body.models ?? []).forEach((m, i) => {
    if (!m.image) return;
    fields.push({
      value: m.image,
      path: ['models', i, 'image'],
      set: (b, v) => ({ ...b, models: b.models?.map((x, j) => (j === i ? { ...x, image: v } : x)) }),
    });
  });
  return fields;
}

/**
 * A step whose images are `images/<name>`, with each replaced by the digest the images workflow recorded:
 * `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<name>@sha256:...`. A digest, not a tag: the cluster runs
 * exactly the bytes that were built, and a new build reaches it only through a reviewed pull request. Any other
 * image is left as it is. `pool` is the node pool the step lands on, when its node type names one. A reference
 * that cannot be resolved is a problem; the step then names `<placeholderHost>/images/<name>`, so that the policy
 * checks of the refused run still report their own problems and not this one again.
 */
export function resolveStepImage(
  input: RecipeInput,
  step: WorkloadStep,
  catalog: ImageCatalog | undefined,
  pool: NodePool | undefined,
  placeholderHost: string,
): { step: WorkloadStep; problems: Problem[] } {
  let body = step.body;
  const problems: Problem[] = [];
  for (const field of imageFields(step)) {
    const resolved = resolveImage(input, step, field, catalog, pool, placeholderHost);
    if (resolved === undefined) continue;
    body = field.set(body, resolved.image);
    problems.push(...resolved.problems);
  }
  return { step: body === step.body ? step : { ...step, body }, problems };
}

/** One `images/<name>` reference resolved (undefined: not such a reference). */
function resolveImage(
  input: RecipeInput,
  step: WorkloadStep,
  field: ImageField,
  catalog: ImageCatalog | undefined,
  pool: NodePool | undefined,
  placeholderHost: string,
): { image: string; problems: Problem[] } | undefined {
  const reference = IMAGE_REFERENCE.exec(field.value);
  if (!reference) return undefined;
  const path = [...step.path, ...field.path];
  const prefix = step.step ? `steps[${step.step.index}].` : '';
  const problem = (message: string): Problem => ({
    file: input.file,
    line: input.lineOf(path),
    field: `${prefix}${fieldPath(field.path)}`,
    message,
  });
  const name = reference[1];
  const refused = (problems: Problem[]) => ({ image: `${placeholderHost}/${field.value}`, problems });
  const image = catalog?.images.get(name);
  if (!catalog || !image) {
    const known = [...(catalog?.images.keys() ?? [])].map((n) => `${IMAGES_DIR}/${n}`);
    return refused([
      problem(
        `no image folder ${IMAGES_DIR}/${name} in this repository` +
          (didYouMeanSuffix(field.value, known) ||
            (known.length ? ` (images: ${known.join(', ')})` : ' (it has no images/ folders)')),
      ),
    ]);
  }
  const problems: Problem[] = [];
  const architectures = image.spec.platforms.map(platformArchitecture);
  if (pool && !architectures.includes(pool.architecture)) {
    problems.push(
      problem(
        `${IMAGES_DIR}/${name} is built for ${image.spec.platforms.join(', ')}, but node pool "${pool.name}" ` +
          `runs ${pool.architecture} nodes; add linux/${pool.architecture} to platforms in ${image.file}, or ` +
          'pick a node type of another pool',
      ),
    );
  }
  if (!image.digest) {
    problems.push(
      problem(
        `${IMAGES_DIR}/${name} has no recorded digest yet (${IMAGES_DIR}/${name}/${DIGEST_FILE}): merge the ` +
          "image's pull request, then the pull request with its digest that the images workflow opens",
      ),
    );
  }
  if (problems.length) return refused(problems);
  return { image: `${image.digest!.image}@${image.digest!.digest}`, problems: [] };
}

/** The registry images of `images/` come from: always allowed, whatever `policy.imageRegistries` lists. */
export function fleetRegistry(catalog: ImageCatalog | undefined): string | undefined {
  return catalog ? registryHost(catalog.registry) : undefined;
}

/**
 * The CLI image a hook kind's Job runs, `images/<name>` of this repository, resolved as a step's own images are; a
 * problem (no such folder, no digest yet) is reported at the step's `kind`.
 */
export function resolveToolImage(
  input: RecipeInput,
  step: WorkloadStep,
  catalog: ImageCatalog | undefined,
  name: string,
  placeholderHost: string,
): { image: string; problems: Problem[] } {
  const field: ImageField = { value: `${IMAGES_DIR}/${name}`, path: ['kind'], set: (b) => b };
  const resolved = resolveImage(input, step, field, catalog, undefined, placeholderHost)!;
  return {
    image: resolved.image,
    problems: resolved.problems.map((p) => ({
      ...p,
      message: `"${step.kind}" runs its sync hook with ${IMAGES_DIR}/${name}: ${p.message}`,
    })),
  };
}
