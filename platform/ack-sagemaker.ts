/** ACK SageMaker controller: manage SageMaker training jobs, endpoints, pipelines etc. as Kubernetes resources. */
import type { PlatformModule } from '../generator/model/platform-module';

export const ackSagemakerModule: PlatformModule = {
  name: 'ack-sagemaker',
  description: 'AWS Controllers for Kubernetes (ACK) SageMaker controller',
  enabledByDefault: false,
  namespace: 'ack-system',
  source: {
    kind: 'helm',
    repoURL: 'public.ecr.aws/aws-controllers-k8s',
    chart: 'sagemaker-chart',
    version: '1.9.1', // helm/Chart.yaml at tag v1.9.1 of aws-controllers-k8s/sagemaker-controller (2026-08-13)
  },
  crds: [
    'fieldexports.services.k8s.aws', 'iamroleselectors.services.k8s.aws',
    ...[
      'apps', 'dataqualityjobdefinitions', 'domains', 'endpointconfigs', 'endpoints', 'featuregroups',
      'hyperparametertuningjobs', 'inferencecomponents', 'labelingjobs', 'modelbiasjobdefinitions',
      'modelexplainabilityjobdefinitions', 'modelpackagegroups', 'modelpackages', 'modelqualityjobdefinitions',
      'models', 'monitoringschedules', 'notebookinstancelifecycleconfigs', 'notebookinstances',
      'pipelineexecutions', 'pipelines', 'processingjobs', 'projects', 'spaces', 'trainingjobs',
      'transformjobs', 'userprofiles',
    ].map((plural) => `${plural}.sagemaker.services.k8s.aws`),
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 1,
  serverSideApply: true,
  values: ({ cluster }) => ({ aws: { region: cluster.aws.region } }),
  docs: 'https://github.com/aws-controllers-k8s/sagemaker-controller/releases/tag/v1.9.1',
};
