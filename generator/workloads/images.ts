import type { WorkloadStep } from './pipeline';
import type { Problem } from '../config/problems';
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

/** The image a step names: its `image`, or `image.name` in the `{name, pull_policy}` form. */
function imageField(step: WorkloadStep): { value: string; path: PropertyKey[] } | undefined {
  const image = step.body.image;
  if (typeof image === 'string') return { value: image, path: ['image'] };
  if (image && typeof image.name === 'string') return { value: image.name, path: ['image', 'name'] };
  return undefined;
}

/**
 * A step whose image is `images/<name>`, with the image replaced by the digest the images workflow recorded:
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
  const field = imageField(step);
  const reference = field && IMAGE_REFERENCE.exec(field.value);
  if (!field || !reference) return { step, problems: [] };
  const path = [...step.path, ...field.path];
  const prefix = step.step ? `steps[${step.step.index}].` : '';
  const problem = (message: string): Problem => ({
    file: input.file,
    line: input.lineOf(path),
    field: `${prefix}${field.path.join('.')}`,
    message,
  });
  const name = reference[1];
  const refused = (problems: Problem[]) => ({ step: withImage(step, `${placeholderHost}/${field.value}`), problems });
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
  return { step: withImage(step, `${image.digest!.image}@${image.digest!.digest}`), problems: [] };
}

function withImage(step: WorkloadStep, image: string): WorkloadStep {
  const body = step.body;
  return {
    ...step,
    body: typeof body.image === 'string' ? { ...body, image } : { ...body, image: { ...body.image, name: image } },
  };
}

/** The registry images of `images/` come from: always allowed, whatever `policy.imageRegistries` lists. */
export function fleetRegistry(catalog: ImageCatalog | undefined): string | undefined {
  return catalog ? registryHost(catalog.registry) : undefined;
}
