/** The catalog of platform modules, one file per module, sorted by name. */
import { ackSagemakerModule } from './ack-sagemaker';
import { airflowModule } from './airflow';
import { argocdModule } from './argocd';
import { awsLoadBalancerControllerModule } from './aws-load-balancer-controller';
import { certManagerModule } from './cert-manager';
import { clusterAutoscalerModule } from './cluster-autoscaler';
import { dcgmExporterModule } from './dcgm-exporter';
import { determinedModule } from './determined';
import { ebsCsiDriverModule } from './ebs-csi-driver';
import { efaDevicePluginModule } from './efa-device-plugin';
import { efsCsiDriverModule } from './efs-csi-driver';
import { externalDnsModule } from './external-dns';
import { externalSecretsModule } from './external-secrets';
import { fsxCsiDriverModule } from './fsx-csi-driver';
import { istioModule } from './istio';
import { jobsetModule } from './jobset';
import { karpenterModule } from './karpenter';
import { kialiModule } from './kiali';
import { kserveModule } from './kserve';
import { kubePrometheusStackModule } from './kube-prometheus-stack';
import { kubeflowPlatformModule } from './kubeflow-platform';
import { kubeflowTrainerModule } from './kubeflow-trainer';
import { kubeRayModule } from './kuberay';
import { kueueModule } from './kueue';
import { lwsModule } from './lws';
import { metricsServerModule } from './metrics-server';
import { mlflowModule } from './mlflow';
import { mpiOperatorModule } from './mpi-operator';
import { neuronDevicePluginModule } from './neuron-device-plugin';
import { nvidiaDevicePluginModule } from './nvidia-device-plugin';
import { nvidiaGpuOperatorModule } from './nvidia-gpu-operator';
import { pachydermModule } from './pachyderm';
import { slurmModule } from './slurm';
import { trainingOperatorModule } from './training-operator';
import type { PlatformModule } from '../generator/model/platform-module';

export const PLATFORM_MODULES: readonly PlatformModule[] = [
  ackSagemakerModule,
  airflowModule,
  argocdModule,
  awsLoadBalancerControllerModule,
  certManagerModule,
  clusterAutoscalerModule,
  dcgmExporterModule,
  determinedModule,
  ebsCsiDriverModule,
  efaDevicePluginModule,
  efsCsiDriverModule,
  externalDnsModule,
  externalSecretsModule,
  fsxCsiDriverModule,
  istioModule,
  jobsetModule,
  karpenterModule,
  kialiModule,
  kserveModule,
  kubePrometheusStackModule,
  kubeflowPlatformModule,
  kubeflowTrainerModule,
  kubeRayModule,
  kueueModule,
  lwsModule,
  metricsServerModule,
  mlflowModule,
  mpiOperatorModule,
  neuronDevicePluginModule,
  nvidiaDevicePluginModule,
  nvidiaGpuOperatorModule,
  pachydermModule,
  slurmModule,
  trainingOperatorModule,
];
