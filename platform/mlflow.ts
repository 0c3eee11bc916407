/** MLflow tracking server and model registry (community-charts chart). */
import type { PlatformModule } from '../generator/platform/module';

export const mlflowModule: PlatformModule = {
  name: 'mlflow',
  description: 'MLflow tracking server and model registry',
  enabledByDefault: false,
  namespace: 'mlflow',
  source: {
    kind: 'helm',
    repoURL: 'https://community-charts.github.io/helm-charts',
    chart: 'mlflow',
    version: '1.11.5', // charts/mlflow/Chart.yaml, tag mlflow-1.11.5 of community-charts/helm-charts (2026-08-21, MLflow 3.15.1)
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 3,
  docs: 'https://github.com/community-charts/helm-charts/releases/tag/mlflow-1.11.5',
};
