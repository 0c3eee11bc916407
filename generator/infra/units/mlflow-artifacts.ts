import { INFRA_UNITS, mlflowArtifactBucket } from '../names';
import { MODULES } from '../terraform-modules';
import { isEnabled, unitDir, type InfraContext, type InfraUnit } from '../unit';

/** MLflow's artifact store: a private, versioned, encrypted S3 bucket. Only when the cluster runs mlflow. */
export function mlflowArtifactsUnit(context: InfraContext): InfraUnit | undefined {
  if (!isEnabled(context, 'mlflow')) return undefined;
  const { spec } = context;
  return {
    dir: unitDir(spec, INFRA_UNITS.mlflowArtifacts),
    module: MODULES.s3Bucket,
    template: 'private-bucket.hcl',
    summary: `S3 bucket ${mlflowArtifactBucket(spec)} for MLflow artifacts`,
    dependencies: [],
    after: [],
    values: { bucket: mlflowArtifactBucket(spec) },
  };
}
