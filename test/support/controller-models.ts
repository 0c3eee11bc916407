/**
 * What the API server, the admission webhooks and the controllers do to each run and service kind the generator
 * renders, after Argo CD creates it: small models written from the sources at the versions the fleet pins (each
 * step names its file). A model takes the rendered object and returns the live object in each state the object
 * goes through: created (webhooks and defaults, waiting in Kueue), admitted (Kueue's admission, running),
 * evicted (Kueue's stop: preempted or requeued, templates restored), scaled (an autoscaler changed the replicas).
 *
 * Kueue is kueue v0.19.2 with the fleet's configuration (platform/kueue.ts: no partial admission, no elastic jobs,
 * no admission checks, flavors without a topology) and its default feature gates (pkg/features/kube_features.go:
 * TopologyAwareScheduling and AssignQueueLabelsForPods on).
 */
import { clone, deepEqual } from './argocd-diff';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Toleration = { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number };

export interface Flavor {
  readonly name: string;
  readonly nodeLabels: Record<string, string>;
  readonly tolerations: readonly Toleration[];
}

/** Where Kueue admits a workload: the cluster's flavors, the one this scenario prefers, the queues. */
export interface KueueScenario {
  readonly flavors: readonly Flavor[];
  /** Given to every pod set whose node selector allows it; the others get the flavor their selector names. */
  readonly preferred: Flavor;
  /** LocalQueue name -> ClusterQueue name. */
  readonly clusterQueues: ReadonlyMap<string, string>;
}

export interface LiveState {
  readonly state: 'created' | 'admitted' | 'evicted' | 'scaled';
  readonly live: Json;
}

const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
const PRIORITY_LABEL = 'kueue.x-k8s.io/priority-class';

// ---- what the API server adds to every object (metadata, status): never rendered ----

let uid = 0;
function stored(obj: Json, manager = 'argocd-controller'): Json {
  const live = clone(obj);
  uid += 1;
  const group = obj.apiVersion.split('/')[0];
  live.metadata = {
    ...live.metadata,
    uid: `00000000-0000-0000-0000-${String(uid).padStart(12, '0')}`,
    resourceVersion: String(1000 + uid),
    generation: 1,
    creationTimestamp: '2026-08-24T10:00:00Z',
    annotations: {
      ...live.metadata.annotations,
      'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(obj),
      'argocd.argoproj.io/tracking-id': `app:${group}/${obj.kind}:${obj.metadata.namespace}/${obj.metadata.name}`,
    },
    managedFields: [
      { manager, operation: 'Update', apiVersion: obj.apiVersion, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } },
    ],
  };
  return live;
}

// ---- Kueue's pod set merge (pkg/podset/podset.go) ----

interface PodSetInfo {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
}

/**
 * utiltolerations.Equal (pkg/util/tolerations): an empty operator is Equal; then key, operator, value, effect
 * (MatchToleration).
 */
function tolerationsEqual(a: Toleration, b: Toleration): boolean {
  const op = (t: Toleration) => t.operator || 'Equal';
  return (
    (a.key ?? '') === (b.key ?? '') &&
    op(a) === op(b) &&
    (a.value ?? '') === (b.value ?? '') &&
    (a.effect ?? '') === (b.effect ?? '')
  );
}

/** The flavor the scenario gives a pod template: the preferred one unless its node selector names another. */
function flavorFor(template: Json, scenario: KueueScenario): Flavor {
  const selector: Record<string, string> = template?.spec?.nodeSelector ?? {};
  const fits = (f: Flavor) =>
    Object.entries(f.nodeLabels).every(([k, v]) => selector[k] === undefined || selector[k] === v);
  const flavor = fits(scenario.preferred) ? scenario.preferred : scenario.flavors.find(fits);
  if (!flavor) throw new Error(`no flavor fits node selector ${JSON.stringify(selector)}`);
  return flavor;
}

/**
 * pkg/podset/podset.go `FromAssignment` (the flavor's node labels and tolerations) and
 * pkg/controller/jobframework/reconciler.go `getPodSetsInfoFromStatus` (the pod set label, the queue labels of
 * AssignQueueLabelsForPods, the workload annotation of TopologyAwareScheduling).
 */
function podSetInfo(name: string, template: Json, obj: Json, scenario: KueueScenario): PodSetInfo {
  const flavor = flavorFor(template, scenario);
  const localQueue = obj.metadata.labels[QUEUE_LABEL];
  return {
    name,
    labels: {
      'kueue.x-k8s.io/podset': name,
      'kueue.x-k8s.io/local-queue-name': localQueue,
      'kueue.x-k8s.io/cluster-queue-name': scenario.clusterQueues.get(localQueue) ?? localQueue,
    },
    annotations: { 'kueue.x-k8s.io/workload': `${obj.kind.toLowerCase()}-${obj.metadata.name}-1a2b3` },
    nodeSelector: { ...flavor.nodeLabels },
    tolerations: flavor.tolerations.map((t) => ({ ...t })),
  };
}

/** podset.Merge: maps merged (a conflicting value is an error), tolerations appended when not already there. */
function merge(template: Json, info: PodSetInfo) {
  template.metadata ??= {};
  template.spec ??= {};
  const mergeMap = (into: Record<string, string> | undefined, from: Record<string, string>, what: string) => {
    for (const [k, v] of Object.entries(from)) {
      if (into?.[k] !== undefined && into[k] !== v) throw new Error(`conflict for ${what}: ${k}`);
    }
    return Object.keys(from).length || into ? { ...into, ...from } : into;
  };
  template.metadata.annotations = mergeMap(template.metadata.annotations, info.annotations, 'annotations');
  template.metadata.labels = mergeMap(template.metadata.labels, info.labels, 'labels');
  template.spec.nodeSelector = mergeMap(template.spec.nodeSelector, info.nodeSelector, 'nodeSelector');
  const tolerations: Toleration[] = template.spec.tolerations ?? [];
  for (const t of info.tolerations) if (!tolerations.some((e) => tolerationsEqual(e, t))) tolerations.push(t);
  if (tolerations.length) template.spec.tolerations = tolerations;
}

/** podset.RestorePodSpec: the template's metadata, node selector and tolerations as the workload recorded them. */
function restore(template: Json, saved: Json) {
  for (const [part, key] of [
    ['metadata', 'annotations'],
    ['metadata', 'labels'],
    ['spec', 'nodeSelector'],
    ['spec', 'tolerations'],
  ] as const) {
    const value = saved?.[part]?.[key];
    if (value === undefined) delete template[part]?.[key];
    else template[part][key] = clone(value);
  }
}

/** A run kind as Kueue's jobframework sees it: where its suspend flag is and its pod sets (name -> template). */
interface KueueJob {
  setSuspend(obj: Json, value: boolean): void;
  podSets(obj: Json): { name: string; template: Json }[];
}

/** Kueue's generic states: created (webhook suspends), admitted (startJob), evicted (stopJob). */
function kueueStates(
  rendered: Json,
  scenario: KueueScenario,
  job: KueueJob,
  created: (live: Json) => void,
): LiveState[] {
  const base = stored(rendered);
  created(base);
  // jobframework/defaults.go ApplyDefaultForSuspend: the mutating webhook suspends a job that has a queue
  job.setSuspend(base, true);
  // the Workload records the templates as they are now (jobframework: constructWorkload from PodSets)
  const saved = job.podSets(base).map((p) => clone(p.template));

  const admitted = clone(base);
  job.setSuspend(admitted, false);
  for (const p of job.podSets(admitted)) merge(p.template, podSetInfo(p.name, p.template, admitted, scenario));
  admitted.status = { conditions: [{ type: 'Running', status: 'True' }] };

  const evicted = clone(admitted);
  job.setSuspend(evicted, true);
  job.podSets(evicted).forEach((p, i) => restore(p.template, saved[i]));
  evicted.status = { conditions: [{ type: 'Suspended', status: 'True' }] };
  return [
    { state: 'created', live: base },
    { state: 'admitted', live: admitted },
    { state: 'evicted', live: evicted },
  ];
}

// ---- built-in defaults the API server applies to a Job's or Deployment's pod template (k8s.io/kubernetes
// pkg/apis/core/v1/defaults.go) ----

function podTemplateDefaults(template: Json) {
  const spec = template.spec;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.imagePullPolicy ??= String(c.image ?? '').endsWith(':latest') ? 'Always' : 'IfNotPresent';
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  }
  for (const v of spec.volumes ?? []) if (v.configMap) v.configMap.defaultMode ??= 420;
}

// ---- the kinds ----

type Model = (rendered: Json, scenario: KueueScenario) => LiveState[];

/**
 * batch/v1 Job: kueue pkg/controller/jobs/job/job_controller.go (`Suspend`, `RunWithPodSetsInfo`, one pod set "main").
 */
const job: Model = (rendered, scenario) =>
  kueueStates(
    rendered,
    scenario,
    {
      setSuspend: (o, v) => {
        o.spec.suspend = v;
      },
      podSets: (o) => [{ name: 'main', template: o.spec.template }],
    },
    (live) => {
      // the API server (pkg/registry/batch/job/strategy.go generateSelector, pkg/apis/batch/v1/defaults.go)
      const controllerUid = live.metadata.uid;
      live.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': controllerUid } };
      live.spec.template.metadata.labels = {
        ...live.spec.template.metadata.labels,
        'batch.kubernetes.io/controller-uid': controllerUid,
        'batch.kubernetes.io/job-name': live.metadata.name,
        'controller-uid': controllerUid,
        'job-name': live.metadata.name,
      };
      live.spec.completions ??= 1;
      live.spec.parallelism ??= 1;
      live.spec.backoffLimit ??= 6;
      live.spec.completionMode ??= 'NonIndexed';
      live.spec.manualSelector ??= false;
      live.spec.podReplacementPolicy ??= 'TerminatingOrFailed';
      podTemplateDefaults(live.spec.template);
      live.metadata.finalizers = ['batch.kubernetes.io/job-tracking'];
    },
  );

/**
 * The pod template of each replicated job of the torch-distributed runtime (kubeflow/trainer v2.3.0
 * charts/kubeflow-trainer/files/runtimes/torch-distributed.yaml: one, "node"), with the TrainJob's own runtime patch
 * applied.
 */
function trainJobPodSets(o: Json): { name: string; template: Json }[] {
  const mine = (o.spec.runtimePatches ?? []).find((p: Json) => p.manager !== 'kueue.x-k8s.io/manager');
  const node = mine?.trainingRuntimeSpec?.template?.spec?.replicatedJobs?.find((r: Json) => r.name === 'node');
  return [{ name: 'node', template: clone(node?.template?.spec?.template ?? { spec: {} }) }];
}

/**
 * trainer.kubeflow.org TrainJob: kueue pkg/controller/jobs/trainjob/trainjob_webhook.go (`Default` suspends it and
 * appends Kueue's runtime patch) and trainjob_controller.go (`RunWithPodSetsInfo` fills that patch with each pod
 * set's flavor node labels, tolerations, labels and annotations; `Stop`/`RestorePodSetsInfo` empties it); Kubeflow
 * Trainer v2.3.0 pkg/webhooks/trainjob_webhook.go stamps each runtime patch's `time` (kept while it is unchanged);
 * its CRD defaults `suspend` and `managedBy` (pkg/apis/trainer/v1alpha1/trainjob_types.go).
 */
const trainJob: Model = (rendered, scenario) => {
  // trainjob_webhook.go Default: on create every patch without a time gets now; on update a patch keeps its old
  // time while it is unchanged (time aside) and gets now when it changed or is new
  const stamp = (o: Json, time: string, old?: Json) => {
    for (const p of o.spec.runtimePatches ?? []) {
      const before = (old?.spec.runtimePatches ?? []).find((q: Json) => q.manager === p.manager);
      if (!before) p.time ??= time;
      else p.time = deepEqual({ ...before, time: undefined }, { ...p, time: undefined }) ? before.time : time;
    }
  };
  const kueuePatch = (o: Json) => o.spec.runtimePatches.find((p: Json) => p.manager === 'kueue.x-k8s.io/manager');

  const created = stored(rendered);
  created.spec.managedBy ??= 'trainer.kubeflow.org/trainjob-controller';
  created.spec.suspend = true;
  created.spec.runtimePatches = [
    ...(created.spec.runtimePatches ?? []),
    { manager: 'kueue.x-k8s.io/manager', trainingRuntimeSpec: { template: { spec: {} } } },
  ];
  stamp(created, '2026-08-24T10:00:00Z');

  const admitted = clone(created);
  kueuePatch(admitted).trainingRuntimeSpec.template.spec.replicatedJobs = trainJobPodSets(admitted).map((p) => {
    const info = podSetInfo(p.name, p.template, admitted, scenario);
    return {
      name: p.name,
      template: {
        spec: {
          template: {
            metadata: { annotations: info.annotations, labels: info.labels },
            spec: { nodeSelector: info.nodeSelector, tolerations: info.tolerations },
          },
        },
      },
    };
  });
  stamp(admitted, '2026-08-24T10:05:00Z', created);
  admitted.spec.suspend = false;
  admitted.status = { conditions: [{ type: 'Created', status: 'True' }] };

  const evicted = clone(admitted);
  evicted.spec.suspend = true;
  delete kueuePatch(evicted).trainingRuntimeSpec.template.spec.replicatedJobs;
  stamp(evicted, '2026-08-24T10:09:00Z', admitted);
  evicted.status = { conditions: [{ type: 'Suspended', status: 'True' }] };
  return [
    { state: 'created', live: created },
    { state: 'admitted', live: admitted },
    { state: 'evicted', live: evicted },
  ];
};

/**
 * ray.io RayJob: kueue pkg/controller/jobs/rayjob/rayjob_controller.go (`RunWithPodSetsInfo`: head "head", each worker
 * group by its name, and the submitter "submitter" of the default K8sJobMode; raycluster/common.go); KubeRay v1.7.0
 * defaults `submissionMode` (ray-operator/apis/ray/v1/rayjob_types.go) and adds its finalizer (rayjob_controller.go).
 */
const rayJob: Model = (rendered, scenario) =>
  kueueStates(
    rendered,
    scenario,
    {
      setSuspend: (o, v) => {
        o.spec.suspend = v;
      },
      podSets: (o) => [
        { name: 'head', template: o.spec.rayClusterSpec.headGroupSpec.template },
        ...o.spec.rayClusterSpec.workerGroupSpecs.map((w: Json) => ({ name: w.groupName, template: w.template })),
        { name: 'submitter', template: o.spec.submitterPodTemplate },
      ],
    },
    (live) => {
      live.spec.submissionMode ??= 'K8sJobMode';
      live.metadata.finalizers = ['ray.io/rayjob-finalizer'];
    },
  );

/**
 * kubeflow.org/v1 PyTorchJob: kueue pkg/controller/jobs/kubeflow/kubeflowjob/kubeflowjob_controller.go
 * (`runPolicy.suspend`, pod sets "master", "worker"); the training operator v1.9.4 defaults in memory only.
 */
const pyTorchJob: Model = (rendered, scenario) =>
  kueueStates(
    rendered,
    scenario,
    {
      setSuspend: (o, v) => {
        o.spec.runPolicy.suspend = v;
      },
      podSets: (o) =>
        ['Master', 'Worker']
          .filter((r) => o.spec.pytorchReplicaSpecs[r])
          .map((r) => ({ name: r.toLowerCase(), template: o.spec.pytorchReplicaSpecs[r].template })),
    },
    () => undefined,
  );

/**
 * kubeflow.org/v2beta1 MPIJob: kueue pkg/controller/jobs/mpijob/mpijob_controller.go (`runPolicy.suspend`, pod sets
 * "launcher", "worker"); the MPI operator v0.8.0 defaults in memory only.
 */
const mpiJob: Model = (rendered, scenario) =>
  kueueStates(
    rendered,
    scenario,
    {
      setSuspend: (o, v) => {
        o.spec.runPolicy.suspend = v;
      },
      podSets: (o) =>
        ['Launcher', 'Worker']
          .filter((r) => o.spec.mpiReplicaSpecs[r])
          .map((r) => ({ name: r.toLowerCase(), template: o.spec.mpiReplicaSpecs[r].template })),
    },
    () => undefined,
  );

/**
 * The HPA's scale-up through `/scale`: the managedFields entry the API server records for built-in kinds (kubernetes PR
 * #98377), none for custom resources (kubernetes issue #131892).
 */
function scaled(live: Json, replicas: number, builtIn: boolean): Json {
  const out = clone(live);
  out.spec.replicas = replicas;
  if (builtIn) {
    out.metadata.managedFields = [
      ...out.metadata.managedFields,
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        subresource: 'scale',
        apiVersion: out.apiVersion,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
    ];
  }
  return out;
}

/**
 * apps/v1 Deployment: the API server's defaults; kueue pkg/controller/jobs/deployment/deployment_webhook.go (`Default`,
 * on create and update: the pod template's suspending-parent annotation and managed, queue and priority labels);
 * the deployment controller's revision annotation; an HPA (when the service has one) scaling it up.
 */
function deployment(hpaMax: number | undefined): Model {
  return (rendered) => {
    const live = stored(rendered);
    live.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    live.spec.revisionHistoryLimit ??= 10;
    live.spec.progressDeadlineSeconds ??= 600;
    podTemplateDefaults(live.spec.template);
    const labels = live.metadata.labels ?? {};
    if (labels[QUEUE_LABEL]) {
      live.spec.template.metadata.annotations = {
        ...live.spec.template.metadata.annotations,
        'kueue.x-k8s.io/pod-suspending-parent': 'deployment',
      };
      live.spec.template.metadata.labels = {
        ...live.spec.template.metadata.labels,
        'kueue.x-k8s.io/managed': 'true',
        [QUEUE_LABEL]: labels[QUEUE_LABEL],
        ...(labels[PRIORITY_LABEL] ? { [PRIORITY_LABEL]: labels[PRIORITY_LABEL] } : {}),
      };
    }
    live.metadata.annotations['deployment.kubernetes.io/revision'] = '1';
    live.status = { replicas: live.spec.replicas, readyReplicas: live.spec.replicas };
    const states: LiveState[] = [{ state: 'created', live }];
    if (hpaMax !== undefined) states.push({ state: 'scaled', live: scaled(live, hpaMax, true) });
    return states;
  };
}

/**
 * leaderworkerset.x-k8s.io LeaderWorkerSet: LWS v0.10.0 pkg/webhooks/leaderworkerset_webhook.go (`Default`); kueue
 * pkg/controller/jobs/leaderworkerset/leaderworkerset_webhook.go (`podTemplateSpecDefault` on both templates); an HPA
 * scaling it up through the custom resource's `/scale`.
 */
function leaderWorkerSet(hpaMax: number | undefined): Model {
  return (rendered) => {
    const live = stored(rendered);
    const t = live.spec.leaderWorkerTemplate;
    t.restartPolicy ??= 'RecreateGroupOnPodRestart';
    live.spec.rolloutStrategy ??= {
      type: 'RollingUpdate',
      rollingUpdateConfiguration: { maxUnavailable: 1, maxSurge: 0, partition: 0 },
    };
    live.spec.networkConfig ??= { subdomainPolicy: 'Shared' };
    const labels = live.metadata.labels ?? {};
    if (labels[QUEUE_LABEL]) {
      for (const [template, worker] of [
        [t.leaderTemplate, false],
        [t.workerTemplate, true],
      ] as const) {
        if (!template) continue;
        template.metadata ??= {};
        template.metadata.labels = {
          ...template.metadata.labels,
          [QUEUE_LABEL]: labels[QUEUE_LABEL],
          ...(labels[PRIORITY_LABEL] ? { [PRIORITY_LABEL]: labels[PRIORITY_LABEL] } : {}),
        };
        template.metadata.annotations = {
          ...template.metadata.annotations,
          'kueue.x-k8s.io/pod-suspending-parent': 'leaderworkerset.x-k8s.io/leaderworkerset',
          'kueue.x-k8s.io/pod-group-serving': 'true',
          ...(worker && t.leaderTemplate ? { 'kueue.x-k8s.io/pod-index-offset': '1' } : {}),
        };
      }
    }
    live.status = { replicas: live.spec.replicas };
    const states: LiveState[] = [{ state: 'created', live }];
    if (hpaMax !== undefined) states.push({ state: 'scaled', live: scaled(live, hpaMax, false) });
    return states;
  };
}

/**
 * ray.io RayService: KubeRay v1.7.0 ray-operator/controllers/ray/rayservice_controller.go adds its finalizer and writes
 * status; Kueue leaves it (no queue label).
 */
const rayService: Model = (rendered) => {
  const live = stored(rendered);
  live.metadata.finalizers = ['ray.io/rayservice-finalizer'];
  live.status = { serviceStatus: 'Running' };
  return [{ state: 'created', live }];
};

/**
 * serving.kserve.io InferenceService: KServe v0.20.0 pkg/apis/serving/v1beta1/inference_service_defaults.go
 * (`DefaultInferenceService`: the deployment mode and model format annotations, the protocol of a Triton or vLLM
 * model, no automounted token when configured so); its controller adds the finalizer
 * (pkg/controller/v1beta1/inferenceservice/controller.go) and changes the spec only in memory.
 */
const inferenceService: Model = (rendered) => {
  const live = stored(rendered);
  live.metadata.annotations['serving.kserve.io/deploymentMode'] = 'Standard';
  const model = live.spec.predictor.model;
  if (model?.modelFormat?.name) live.metadata.annotations.modelFormat = model.modelFormat.name;
  if (model && !model.protocolVersion && ['triton', 'vllm'].includes(model.modelFormat?.name)) {
    model.protocolVersion = 'v2';
  }
  live.spec.predictor.automountServiceAccountToken ??= false;
  live.metadata.finalizers = ['inferenceservice.finalizers'];
  live.status = { conditions: [{ type: 'Ready', status: 'True' }] };
  return [{ state: 'created', live }];
};

/** The objects beside the workloads: the API server's defaults and the controllers' bookkeeping. */
const service: Model = (rendered) => {
  const live = stored(rendered);
  Object.assign(live.spec, {
    clusterIP: '172.20.10.10',
    clusterIPs: ['172.20.10.10'],
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster',
  });
  return [{ state: 'created', live }];
};
const claim: Model = (rendered) => {
  const live = stored(rendered);
  live.spec.volumeName = `pvc-${live.metadata.uid}`;
  live.spec.volumeMode ??= 'Filesystem';
  Object.assign(live.metadata.annotations, {
    'pv.kubernetes.io/bind-completed': 'yes',
    'pv.kubernetes.io/bound-by-controller': 'yes',
  });
  live.metadata.finalizers = ['kubernetes.io/pvc-protection'];
  live.status = { phase: 'Bound' };
  return [{ state: 'created', live }];
};
const untouched: Model = (rendered) => [{ state: 'created', live: stored(rendered) }];

/**
 * The live states of one rendered object. `hpaMax`: the maxReplicas of the HorizontalPodAutoscaler that targets it,
 * if one does.
 */
export function liveStates(rendered: Json, scenario: KueueScenario, hpaMax?: number): LiveState[] {
  const models: Record<string, Model> = {
    'batch/Job': job,
    'trainer.kubeflow.org/TrainJob': trainJob,
    'ray.io/RayJob': rayJob,
    'kubeflow.org/PyTorchJob': pyTorchJob,
    'kubeflow.org/MPIJob': mpiJob,
    'apps/Deployment': deployment(hpaMax),
    'leaderworkerset.x-k8s.io/LeaderWorkerSet': leaderWorkerSet(hpaMax),
    'ray.io/RayService': rayService,
    'serving.kserve.io/InferenceService': inferenceService,
    '/Service': service,
    '/PersistentVolumeClaim': claim,
    '/ConfigMap': untouched,
    'autoscaling/HorizontalPodAutoscaler': untouched,
  };
  const group = String(rendered.apiVersion).includes('/') ? String(rendered.apiVersion).split('/')[0] : '';
  const model = models[`${group}/${rendered.kind}`];
  if (!model) throw new Error(`no controller model for ${group}/${rendered.kind}`);
  return model(clone(rendered), scenario);
}
