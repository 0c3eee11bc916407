/** Apache Airflow (official apache-airflow chart): workflow orchestration for ML pipelines. */
import type { PlatformModule } from '../generator/model/platform-module';

export const airflowModule: PlatformModule = {
  name: 'airflow',
  description: 'Apache Airflow for scheduling and orchestrating ML pipelines',
  enabledByDefault: false,
  namespace: 'airflow',
  source: {
    kind: 'helm',
    repoURL: 'https://airflow.apache.org',
    chart: 'airflow',
    // GitHub release helm-chart/1.22.0 marked Latest (2026-06-13); no 1.23/2.0 chart found (not verified past Aug 2026)
    version: '1.22.0',
  },
  crds: [],
  needs: [],
  onMissingNeed: 'error',
  wave: 3,
  values: () => ({ executor: 'KubernetesExecutor' }),
  docs: 'https://github.com/apache/airflow/releases/tag/helm-chart%2F1.22.0',
};
