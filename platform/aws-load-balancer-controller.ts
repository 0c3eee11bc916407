/** AWS Load Balancer Controller: ALBs for Ingress/Gateway and NLBs for Services. */
import type { PlatformModule } from '../generator/model/platform-module';

export const awsLoadBalancerControllerModule: PlatformModule = {
  name: 'aws-load-balancer-controller',
  description: 'AWS Load Balancer Controller provisioning ALBs/NLBs for Ingress, Gateway API and Services',
  enabledByDefault: true,
  namespace: 'kube-system',
  source: {
    kind: 'helm',
    repoURL: 'https://aws.github.io/eks-charts',
    chart: 'aws-load-balancer-controller',
    // stable/aws-load-balancer-controller/Chart.yaml on aws/eks-charts master = controller tag v3.5.0 (2026-08-03)
    version: '3.5.0',
  },
  crds: [
    'ingressclassparams.elbv2.k8s.aws',
    'targetgroupbindings.elbv2.k8s.aws',
    'albtargetcontrolconfigs.elbv2.k8s.aws',
    'globalaccelerators.aga.k8s.aws',
    'loadbalancerconfigurations.gateway.k8s.aws',
    'targetgroupconfigurations.gateway.k8s.aws',
    'listenerruleconfigurations.gateway.k8s.aws',
  ],
  needs: [],
  onMissingNeed: 'error',
  wave: 1,
  values: ({ cluster }) => ({ clusterName: cluster.name, region: cluster.aws.region }),
  docs: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/releases/tag/v3.5.0',
};
