/** MLflow tracking server and model registry (community-charts chart). */
import type { PlatformModule } from '../generator/model/platform-module';
import { MLFLOW_SERVICE_ACCOUNT, mlflowArtifactBucket } from '../generator/platform/aws-names';

export const mlflowModule: PlatformModule = {
  name: 'mlflow',
  description: 'MLflow tracking server and model registry',
  enabledByDefault: false,
  namespace: 'mlflow',
  source: {
    kind: 'helm',
    repoURL: 'https://community-charts.github.io/helm-charts',
    chart: 'mlflow',
    // charts/mlflow/Chart.yaml, tag mlflow-1.11.5 of community-charts/helm-charts (2026-08-21, MLflow 3.15.1)
    version: '1.11.5',
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 3,
  // artifacts in the cluster's S3 bucket (through the server: clients need no AWS credentials); runs and models in
  // the chart's PostgreSQL on an encrypted gp3 volume
  values: ({ cluster }) => ({
    serviceAccount: { create: true, name: MLFLOW_SERVICE_ACCOUNT },
    backendStore: { databaseMigration: true, databaseConnectionCheck: true },
    postgresql: { enabled: true, primary: { persistence: { enabled: true, storageClass: 'gp3', size: '50Gi' } } },
    artifactRoot: {
      proxiedArtifactStorage: true,
      s3: { enabled: true, bucket: mlflowArtifactBucket(cluster), path: 'artifacts' },
    },
  }),
  docs: 'https://github.com/community-charts/helm-charts/releases/tag/mlflow-1.11.5',
};
