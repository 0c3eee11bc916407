import type { Problem } from '../config/problems';
import { imageRegistries, type ClusterSpec, type Team } from '../model/cluster-spec';
import type { K8sObject } from '../model/k8s-object';
import type { RecipeBody } from '../recipes/recipe-schema';
import { TEAM_RESOURCES } from '../teams/team-resources';

/**
 * The workload policy of a cluster, checked on every object a run or service renders: the objects land in
 * the team's namespace only, are namespaced workload kinds, and their pods (wherever a kind nests its pod
 * templates: Job, TrainJob runtime patches, PyTorchJob/MPIJob replica specs, Ray head and worker groups,
 * LeaderWorkerSet, InferenceService predictor) neither run privileged, on the host's network, PID or IPC
 * namespaces, nor mount host paths or add capabilities, unless the cluster spec allows it for the team
 * (`teams[].allow`); images come only from the cluster's registries (`policy.imageRegistries`).
 * Argo CD's team AppProject enforces the namespace and kinds again, Pod Security admission the pod limits.
 */

const TEAM_KINDS = new Set(TEAM_RESOURCES.map((r) => `${r.group}/${r.kind}`));
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** Where the problems go: the recipe file, and the line of a recipe field. */
export interface PolicySubject {
  readonly file: string;
  readonly lineOf: (path: readonly PropertyKey[]) => number | undefined;
  /** The workload that rendered the objects: its field path in the file (`['steps', 1]`, or none) and its fields. */
  readonly step?: { readonly path: readonly PropertyKey[]; readonly body: RecipeBody };
}

type Json = Record<string, unknown>;

/**
 * The recipe field an object field was rendered from, by the object field's path and the mapping holding it: the
 * renderers copy `image` into every container, init container, TrainJob trainer and KServe model, and name the volumes
 * of `pvc[i]` `pv-<i + 1>` and the EBS volume `ebs` (pod-parts.ts). What no recipe field sets (host namespaces,
 * security contexts, the object's kind and namespace, a kind's default image) is the renderer's doing for the
 * workload's kind: it is reported at `kind`.
 */
const RECIPE_SOURCES: readonly {
  field: RegExp;
  source: (body: RecipeBody, node: Json) => PropertyKey[] | undefined;
}[] = [
  { field: /(^|\.)image$/, source: (body) => (body.image ? ['image'] : undefined) },
  { field: /(^|\.)volumes\[\d+\]\.hostPath$/, source: (body, volume) => volumeSource(body, String(volume.name)) },
];

function volumeSource(body: RecipeBody, volume: string): PropertyKey[] | undefined {
  const pvc = /^pv-(\d+)$/.exec(volume);
  if (pvc && body.pvc) return ['pvc', Number(pvc[1]) - 1];
  return volume === 'ebs' && body.ebs ? ['ebs'] : undefined;
}

/** The recipe field behind `field` (an object field path) of `node`, relative to the workload; `kind` when none is. */
function recipeField(field: string, node: Json | undefined, body: RecipeBody | undefined): PropertyKey[] {
  const rule = body && RECIPE_SOURCES.find((r) => r.field.test(field));
  return (rule && rule.source(body, node ?? {})) ?? ['kind'];
}

export function checkWorkloadPolicy(
  objects: readonly K8sObject[],
  cluster: ClusterSpec,
  team: Team,
  subject: PolicySubject,
): Problem[] {
  const problems: Problem[] = [];
  const registries = imageRegistries(cluster);
  const allow = team.allow;
  const spec = `clusters/${cluster.name}/cluster.yaml`;
  const teamAt = `teams[${cluster.teams.indexOf(team)}].allow`;

  for (const object of objects) {
    const id = `${object.kind}/${String(object.metadata?.name ?? '?')}`;
    const add = (path: string, message: string, node?: Json) =>
      problems.push({
        file: subject.file,
        line: subject.lineOf([...(subject.step?.path ?? []), ...recipeField(path, node, subject.step?.body)]),
        field: `${id} ${path}`.trim(),
        message,
      });

    if (!TEAM_KINDS.has(`${groupOf(String(object.apiVersion))}/${object.kind}`)) {
      add(
        'kind',
        `kind "${object.kind}" (${String(object.apiVersion)}) is not a namespaced workload ` +
          `kind a team may deploy (allowed: ${TEAM_RESOURCES.map((r) => r.kind).join(', ')})`,
      );
    }
    const namespace = object.metadata?.namespace;
    if (namespace !== team.namespace) {
      add(
        'metadata.namespace',
        `expected the team's namespace "${team.namespace}", ` +
          (`got ${namespace === undefined ? 'none' : `"${String(namespace)}"`}: ` +
            `a team's workloads land only in its own namespace`),
      );
    }

    walk(object as unknown as Json, '', (node, path) => {
      if (node.hostNetwork === true && !allow.hostNetwork) {
        add(
          `${path}hostNetwork`,
          `host networking is not allowed for team "${team.name}" (${spec}: ${teamAt}.hostNetwork)`,
        );
      }
      if (node.hostPID === true && !allow.hostPID) {
        add(
          `${path}hostPID`,
          `the host's PID namespace is not allowed for team "${team.name}" (${spec}: ${teamAt}.hostPID)`,
        );
      }
      if (node.hostIPC === true && !allow.hostIPC) {
        add(
          `${path}hostIPC`,
          `the host's IPC namespace is not allowed for team "${team.name}" (${spec}: ${teamAt}.hostIPC)`,
        );
      }
      if (isObject(node.hostPath) && !allow.hostPath) {
        const volume = String(node.hostPath.path ?? '');
        add(
          `${path}hostPath`,
          `host path volumes ("${volume}") are not allowed for team "${team.name}" (${spec}: ${teamAt}.hostPath); ` +
            'use a PersistentVolumeClaim (pv-efs, pv-fsx) or an emptyDir',
          node,
        );
      }
      if (typeof node.hostPort === 'number' && !allow.hostNetwork) {
        add(`${path}hostPort`, `host ports are not allowed for team "${team.name}" (${spec}: ${teamAt}.hostNetwork)`);
      }
      if (typeof node.image === 'string' && !fromRegistry(node.image, registries)) {
        const allowed = `${spec}: policy.imageRegistries: ${registries.join(', ')}`;
        add(`${path}image`, `image "${node.image}" is not from a registry the cluster allows (${allowed})`, node);
      }
      const security = node.securityContext;
      if (isObject(security)) {
        if (security.privileged === true && !allow.privileged) {
          add(
            `${path}securityContext.privileged`,
            `privileged containers are not allowed for team "${team.name}" (${spec}: ${teamAt}.privileged)`,
          );
        }
        const added =
          isObject(security.capabilities) && Array.isArray(security.capabilities.add) ? security.capabilities.add : [];
        added.forEach((capability, i) => {
          const name = String(capability).replace(/^CAP_/, '');
          if (!allow.capabilities.includes(name)) {
            add(
              `${path}securityContext.capabilities.add[${i}]`,
              `capability "${String(capability)}" is not allowed for team "${team.name}" ` +
                `(${spec}: ${teamAt}.capabilities: ${allow.capabilities.join(', ') || 'none'})`,
            );
          }
        });
      }
    });
  }
  return problems;
}

/**
 * `nvcr.io/nvidia/x:1` is from `nvcr.io` and from `nvcr.io/nvidia`, not from `nvcr.io/nvidiax`; a bare name is Docker
 * Hub's.
 */
function fromRegistry(image: string, registries: readonly string[]): boolean {
  const first = image.split('/')[0];
  const hasHost = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const full = hasHost ? image : `docker.io/${image.includes('/') ? image : `library/${image}`}`;
  return registries.some((r) => full.startsWith(`${r}/`));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every mapping inside `value`, with its path (`spec.template.spec.containers[0].`). */
function walk(value: unknown, path: string, visit: (node: Json, path: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path.replace(/\.$/, '')}[${i}].`, visit));
  } else if (isObject(value)) {
    visit(value, path);
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'object' && v !== null) walk(v, `${path}${key}.`, visit);
    }
  }
}

/**
 * An image a hook kind hands to its server inside a spec (a Pachyderm transform image, a Determined environment
 * image): no pod template holds it, so the walk above never sees it, yet pods of the cluster will pull it.
 */
export function checkSpecImage(
  image: string | undefined,
  cluster: ClusterSpec,
  subject: PolicySubject,
  what: string,
): Problem[] {
  if (!image || fromRegistry(image, imageRegistries(cluster))) return [];
  const spec = `clusters/${cluster.name}/cluster.yaml`;
  return [
    {
      file: subject.file,
      line: subject.lineOf([...(subject.step?.path ?? []), 'image']),
      field: 'image',
      message:
        `image "${image}" (${what}) is not from a registry the cluster allows ` +
        `(${spec}: policy.imageRegistries: ${imageRegistries(cluster).join(', ')})`,
    },
  ];
}
