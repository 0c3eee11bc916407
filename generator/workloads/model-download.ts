import {
  containerResources,
  ebsClaim,
  envVars,
  podMetadata,
  podVolumes,
  queuedMeta,
  scriptConfigMap,
  type WorkloadContext,
} from './pod-parts';
import { imageName } from './pytorchjob';
import { KubeJob } from '../imports/k8s';
import type { K8sObject } from '../model/k8s-object';
import type { RecipeBody } from '../recipes/recipe-schema';

export const MODEL_DOWNLOAD_IMAGE = 'public.ecr.aws/docker/library/python:slim-bullseye';
export const PRETRAINED_MODELS = '/fsx/pretrained-models';

/**
 * Model download, as the seed's hf-snapshot chart: a Job that downloads a Hugging Face snapshot (weights
 * included unless HF_TENSORS=false) and copies it to `/fsx/pretrained-models/<hf_model_id>`.
 */
export function renderModelDownload(recipeBody: RecipeBody, ctx: WorkloadContext): K8sObject[] {
  // the chart's values turn the EBS scratch volume on by default
  const body = { ...recipeBody, ebs: recipeBody.ebs ?? { storage: '400Gi', mount_path: '/tmp' } };
  const configMap = `hf-snapshot-${ctx.release}`;
  const user = body.snapshot?.user ?? 'root';
  const group = body.snapshot?.group ?? 'root';
  const script = [
    '#!/bin/bash',
    'set -e',
    'pip3 install --upgrade pip',
    'pip3 install huggingface-hub==0.22.2',
    'mkdir -p $LOG_ROOT',
    'DEST=$SNAPSHOT_ROOT/$HF_MODEL_ID',
    'case "${HF_TENSORS:-true}" in true|1) IGNORE=\'["*.msgpack", "*.h5"]\' ' +
      ';; *) IGNORE=\'["*.msgpack", "*.h5", "*.bin", "*.safetensors"]\' ;; esac',
    'python3 -c "import os; from huggingface_hub import snapshot_download; ' +
      "snapshot_download(repo_id=os.environ['HF_MODEL_ID'], local_dir=os.environ['DEST'], ignore_patterns=$IGNORE, " +
      "token=os.environ.get('HF_TOKEN'))\" 2>&1 | tee $LOG_ROOT/hfsnapshot.log",
    `chown -R ${user}:${group} $SNAPSHOT_ROOT`,
    '',
  ]
    .join('\n')
    .replace('DEST=$SNAPSHOT_ROOT/$HF_MODEL_ID', 'export DEST=$SNAPSHOT_ROOT/$HF_MODEL_ID');
  const { volumes, mounts } = podVolumes(body, ctx, {
    script: { configMap, key: 'hf-snapshot.sh', mountPath: '/etc/config' },
    shm: false,
    ebs: 'claim',
  });
  const env = [
    { name: 'XDG_CACHE_HOME', value: '/tmp/.cache' },
    { name: 'LOG_ROOT', value: `/efs/home/${ctx.release}/logs` },
    { name: 'SNAPSHOT_ROOT', value: body.snapshot?.dir ?? PRETRAINED_MODELS },
    ...(body.hf_model_id ? [{ name: 'HF_MODEL_ID', value: body.hf_model_id }] : []),
    ...(body.hf_secret_name
      ? [
          {
            name: 'HF_TOKEN',
            valueFrom: { secretKeyRef: { name: body.hf_secret_name, key: body.hf_secret_key ?? 'token' } },
          },
        ]
      : []),
    ...envVars(body.env, ctx),
  ];
  const resources = body.resources ?? {
    requests: { cpu: '1000m', memory: '2048Mi' },
    limits: { cpu: '1000m', memory: '2048Mi' },
  };
  const job: K8sObject = KubeJob.manifest({
    metadata: queuedMeta(ctx, `hf-snapshot-${ctx.release}`),
    spec: {
      template: {
        metadata: podMetadata(ctx),
        spec: {
          restartPolicy: 'Never',
          volumes,
          containers: [
            {
              name: 'hf-snapshot',
              env,
              command: ['sh', '/etc/config/hf-snapshot.sh'],
              image: imageName(body) ?? MODEL_DOWNLOAD_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              volumeMounts: mounts,
              resources: containerResources(resources.requests, resources.limits),
            },
          ],
        },
      },
    },
  });
  return [...ebsClaim(body, ctx, '400Gi'), scriptConfigMap(ctx, configMap, 'hf-snapshot.sh', script), job];
}
