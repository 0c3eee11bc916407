import type { K8sObject } from '../render/k8s-object';
import type { RecipeBody } from '../recipes/recipe-schema';
import {
  compact, containerResources, ebsClaim, envVars, launcherScript, meta, nodeSelector, podMetadata, podTolerations, podVolumes,
  scriptConfigMap, type WorkloadContext,
} from './pod-parts';
import { imageName, imagePullPolicy } from './pytorchjob';
import { CHART_DIRS } from './train-script';

const KEEP_ALIVE = '&& /bin/bash -c "trap : TERM INT; sleep infinity & wait"';
const DEFAULT_AUTOSCALING = {
  minReplicas: 1,
  maxReplicas: 2,
  metrics: [{ type: 'Pods', pods: { metric: { name: 'avg_time_queue_us' }, target: { type: 'AverageValue', averageValue: 50 } } }],
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
  const script = launcherScript(body, body.server, KEEP_ALIVE, framework && flavour.chartDir ? { name: framework, chartDir: flavour.chartDir } : undefined);
  const { volumes, mounts } = podVolumes(body, ctx, {
    script: { configMap, key: 'launcher.sh', mountPath: '/etc/config' }, framework: Boolean(framework), ebs: flavour.ebs,
  });
  const server = body.server;
  const probe = (path: string, p: { period_secs: number; failure_threshold: number } | undefined, d: [number, number], initial?: number) =>
    compact({ initialDelaySeconds: initial, periodSeconds: p?.period_secs ?? d[0], failureThreshold: p?.failure_threshold ?? d[1], httpGet: { path, port: 'http' } });
  const appLabel = { app: ctx.release };
  const lws = body.lws;
  const container = compact({
    name: flavour.containerName,
    env: [
      ...envVars(server?.env, ctx),
      ...(lws ? [
        { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'GROUP_KEY', valueFrom: { fieldRef: { fieldPath: "metadata.labels['leaderworkerset.sigs.k8s.io/group-key']" } } },
      ] : []),
    ],
    command: ['/etc/config/launcher.sh'],
    image: imageName(body),
    imagePullPolicy: imagePullPolicy(body),
    ports: flavour.ports.map((p) => ({ name: p.name, containerPort: p.value })),
    livenessProbe: probe(flavour.health.live, server?.liveness_probe, [10, 3], 15),
    readinessProbe: probe(flavour.health.ready, server?.readiness_probe, [5, 3], 5),
    startupProbe: probe(flavour.health.ready, server?.startup_probe, [10, 30]),
    volumeMounts: mounts,
    resources: containerResources(body.resources?.requests, body.resources?.limits),
  });
  const podSpec = (containers: Record<string, unknown>[], withScript: boolean) => compact({
    schedulerName: body.scheduler_name,
    volumes: withScript ? volumes : volumes.filter((v) => v.name !== 'config'),
    tolerations: podTolerations(body.tolerations, ctx),
    nodeSelector: nodeSelector(body.resources?.node_type ?? 'g5.48xlarge', ctx),
    containers,
  });
  const autoscaling = flavour.autoscaling;
  const objects: K8sObject[] = [...(flavour.ebs === 'claim' ? ebsClaim(body, ctx, '100Gi') : []), scriptConfigMap(ctx, configMap, 'launcher.sh', script)];
  let target: { apiVersion: string; kind: string };
  let selector: Record<string, string>;
  if (lws) {
    target = { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet' };
    selector = { 'leaderworkerset.sigs.k8s.io/name': ctx.release, role: 'leader' };
    const worker = { ...container, command: ['/bin/bash', '-c', 'trap : TERM INT; sleep infinity & wait'], volumeMounts: mounts.filter((m) => m.name !== 'config') };
    delete (worker as Record<string, unknown>).livenessProbe;
    delete (worker as Record<string, unknown>).readinessProbe;
    delete (worker as Record<string, unknown>).startupProbe;
    delete (worker as Record<string, unknown>).ports;
    objects.push({
      ...target,
      metadata: meta(ctx, ctx.release, ctx.queueLabels),
      spec: {
        replicas: autoscaling.minReplicas,
        leaderWorkerTemplate: {
          size: lws.size,
          leaderTemplate: { metadata: podMetadata(ctx, { role: 'leader' }), spec: podSpec([container], true) },
          workerTemplate: { metadata: podMetadata(ctx, { role: 'worker' }), spec: podSpec([worker], false) },
        },
      },
    });
  } else {
    target = { apiVersion: 'apps/v1', kind: 'Deployment' };
    selector = appLabel;
    objects.push({
      ...target,
      metadata: meta(ctx, ctx.release, { ...appLabel, ...ctx.queueLabels }),
      spec: {
        replicas: autoscaling.minReplicas,
        selector: { matchLabels: appLabel },
        template: { metadata: podMetadata(ctx, { ...appLabel, ...ctx.queueLabels }), spec: podSpec([container], true) },
      },
    });
  }
  if (autoscaling.maxReplicas > autoscaling.minReplicas) {
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(ctx, ctx.release),
      spec: compact({
        scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: ctx.release },
        minReplicas: autoscaling.minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics: autoscaling.metrics,
      }),
    });
  }
  objects.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(ctx, ctx.release),
    spec: {
      ports: flavour.ports.map((p) => ({ protocol: 'TCP', name: p.name, port: p.value, targetPort: p.value })),
      selector,
      type: 'ClusterIP',
    },
  });
  return objects;
}
