import {
  containerResources,
  ebsClaim,
  envVars,
  launcherScript,
  meta,
  nodeSelector,
  podMetadata,
  podSpecJson,
  podTolerations,
  podVolumes,
  scriptConfigMap,
  type WorkloadContext,
} from './pod-parts';
import { imageName, imagePullPolicy } from './pytorchjob';
import { CHART_DIRS } from './train-script';
import {
  IntOrString,
  KubeDeployment,
  KubeHorizontalPodAutoscalerV2,
  KubeService,
  Quantity,
  type Container,
  type ContainerPort,
  type MetricSpecV2,
  type PodSpec,
  type Probe,
  type ServicePort,
} from '../imports/k8s';
import type { LeaderWorkerSetProps } from '../imports/lws-leaderworkerset-leaderworkerset.x-k8s.io';
import type { K8sObject } from '../model/k8s-object';
import type { PlainObjectOf } from '../model/typed';
import type { RecipeBody } from '../recipes/recipe-schema';

const KEEP_ALIVE = '&& /bin/bash -c "trap : TERM INT; sleep infinity & wait"';
const DEFAULT_AUTOSCALING = {
  minReplicas: 1,
  maxReplicas: 2,
  metrics: [
    {
      type: 'Pods',
      pods: { metric: { name: 'avg_time_queue_us' }, target: { type: 'AverageValue', averageValue: 50 } },
    },
  ],
};

export interface ServerFlavour {
  readonly containerName: string;
  readonly ports: { name: string; value: number }[];
  readonly health: { live: string; ready: string };
  readonly ebs: 'ephemeral' | 'claim';
  readonly autoscaling: { minReplicas: number; maxReplicas: number; metrics?: Record<string, unknown>[] };
  readonly chartDir?: string;
}

/**
 * Triton Inference Server, as the seed's charts: a launcher script (git clone, inline script, pre script,
 * server command and args, then kept alive), a Deployment, an HPA when maxReplicas > minReplicas and a
 * ClusterIP Service; with `lws`, a LeaderWorkerSet of `lws.size` pods per replica (multi-node).
 */
export function renderTriton(body: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  const ports = Array.isArray(body.server?.ports) ? body.server.ports : [];
  return renderServer(body, ctx, {
    containerName: body.server?.name ?? 'triton-inference-server',
    ports,
    health: { live: '/v2/health/live', ready: '/v2/health/ready' },
    ebs: 'ephemeral',
    autoscaling: body.server?.autoscaling ?? DEFAULT_AUTOSCALING,
    chartDir: CHART_DIRS.triton,
  });
}

export function renderServer(body: RecipeBody, ctx: WorkloadContext, flavour: ServerFlavour): K8sObject[] {
  const configMap = `launcher-${ctx.release}`;
  const framework = body.framework ?? undefined;
  const script = launcherScript(
    body,
    body.server,
    KEEP_ALIVE,
    framework && flavour.chartDir ? { name: framework, chartDir: flavour.chartDir } : undefined,
  );
  const { volumes, mounts } = podVolumes(body, ctx, {
    script: { configMap, key: 'launcher.sh', mountPath: '/etc/config' },
    framework: Boolean(framework),
    ebs: flavour.ebs,
  });
  const server = body.server;
  const probe = (
    path: string,
    p: { period_secs: number; failure_threshold: number } | undefined,
    d: [number, number],
    initial?: number,
  ): Probe => ({
    initialDelaySeconds: initial,
    periodSeconds: p?.period_secs ?? d[0],
    failureThreshold: p?.failure_threshold ?? d[1],
    httpGet: { path, port: IntOrString.fromString('http') },
  });
  const appLabel = { app: ctx.release };
  const lws = body.lws;
  const container: Container = {
    name: flavour.containerName,
    env: [
      ...envVars(server?.env, ctx),
      ...(lws
        ? [
            { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
            {
              name: 'GROUP_KEY',
              valueFrom: { fieldRef: { fieldPath: "metadata.labels['leaderworkerset.sigs.k8s.io/group-key']" } },
            },
          ]
        : []),
    ],
    command: ['/etc/config/launcher.sh'],
    image: imageName(body),
    imagePullPolicy: imagePullPolicy(body),
    ports: flavour.ports.map((p): ContainerPort => ({ name: p.name, containerPort: p.value })),
    livenessProbe: probe(flavour.health.live, server?.liveness_probe, [10, 3], 15),
    readinessProbe: probe(flavour.health.ready, server?.readiness_probe, [5, 3], 5),
    startupProbe: probe(flavour.health.ready, server?.startup_probe, [10, 30]),
    volumeMounts: mounts,
    resources: containerResources(body.resources?.requests, body.resources?.limits),
  };
  const podSpec = (containers: Container[], withScript: boolean): PodSpec => ({
    schedulerName: body.scheduler_name,
    volumes: withScript ? volumes : volumes.filter((v) => v.name !== 'config'),
    tolerations: podTolerations(body.tolerations, ctx),
    nodeSelector: nodeSelector(body.resources?.node_type ?? 'g5.48xlarge', ctx),
    containers,
  });
  const autoscaling = flavour.autoscaling;
  const objects: K8sObject[] = [
    ...(flavour.ebs === 'claim' ? ebsClaim(body, ctx, '100Gi') : []),
    scriptConfigMap(ctx, configMap, 'launcher.sh', script),
  ];
  let target: { apiVersion: string; kind: string };
  let selector: Record<string, string>;
  if (lws) {
    // a LeaderWorkerSet is a custom resource: its pod templates are written as JSON
    target = { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet' };
    selector = { 'leaderworkerset.sigs.k8s.io/name': ctx.release, role: 'leader' };
    const worker: Container = {
      name: container.name,
      env: container.env,
      command: ['/bin/bash', '-c', 'trap : TERM INT; sleep infinity & wait'],
      image: container.image,
      imagePullPolicy: container.imagePullPolicy,
      volumeMounts: mounts.filter((m) => m.name !== 'config'),
      resources: container.resources,
    };
    const leaderWorkerSet: PlainObjectOf<LeaderWorkerSetProps> = {
      ...target,
      metadata: meta(ctx, ctx.release, ctx.queueLabels),
      spec: {
        replicas: autoscaling.minReplicas,
        leaderWorkerTemplate: {
          size: lws.size,
          leaderTemplate: {
            metadata: podMetadata(ctx, { role: 'leader' }),
            spec: podSpecJson(podSpec([container], true)),
          },
          workerTemplate: {
            metadata: podMetadata(ctx, { role: 'worker' }),
            spec: podSpecJson(podSpec([worker], false)),
          },
        },
      },
    };
    objects.push(leaderWorkerSet);
  } else {
    target = KubeDeployment.GVK;
    selector = appLabel;
    objects.push(
      KubeDeployment.manifest({
        metadata: meta(ctx, ctx.release, { ...appLabel, ...ctx.queueLabels }),
        spec: {
          replicas: autoscaling.minReplicas,
          selector: { matchLabels: appLabel },
          template: {
            metadata: podMetadata(ctx, { ...appLabel, ...ctx.queueLabels }),
            spec: podSpec([container], true),
          },
        },
      }),
    );
  }
  if (autoscaling.maxReplicas > autoscaling.minReplicas) {
    objects.push(
      KubeHorizontalPodAutoscalerV2.manifest({
        metadata: meta(ctx, ctx.release),
        spec: {
          scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: ctx.release },
          minReplicas: autoscaling.minReplicas,
          maxReplicas: autoscaling.maxReplicas,
          metrics: autoscaling.metrics?.map(metricFromSeed),
        },
      }),
    );
  }
  objects.push(
    KubeService.manifest({
      metadata: meta(ctx, ctx.release),
      spec: {
        ports: flavour.ports.map((p): ServicePort => ({
          protocol: 'TCP',
          name: p.name,
          port: p.value,
          targetPort: IntOrString.fromNumber(p.value),
        })),
        selector,
        type: 'ClusterIP',
      },
    }),
  );
  return objects;
}

/** An HPA metric as the seed writes it (`{type: Pods, pods: {metric, target}}`), with its quantities typed. */
function metricFromSeed(metric: Record<string, unknown>): MetricSpecV2 {
  const m = structuredClone(metric) as Record<string, Record<string, unknown>> & { type: string };
  for (const source of ['pods', 'object', 'external', 'resource', 'containerResource']) {
    const target = m[source]?.target as Record<string, unknown> | undefined;
    if (!target) continue;
    for (const key of ['averageValue', 'value']) {
      const v = target[key];
      if (typeof v === 'number') target[key] = Quantity.fromNumber(v);
      else if (typeof v === 'string') target[key] = Quantity.fromString(v);
    }
  }
  return m as unknown as MetricSpecV2;
}
