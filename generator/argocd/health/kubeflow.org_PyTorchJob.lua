-- Argo CD health check for kubeflow.org/PyTorchJob (Kubeflow training operator v1), for the fleet's pipelines.
-- Follows kubeflow/trainer (the training operator) v1.9.4:
--   pkg/apis/kubeflow.org/v1/common_types.go             condition types Created, Running, Restarting, Succeeded,
--                                                        Suspended, Failed
--   pkg/util/status.go                                   reasons (<Kind>Created, ...Running, ...Restarting,
--                                                        ...Succeeded, ...Failed, ...Suspended, ...Resumed);
--                                                        setCondition keeps Failed terminal, and Running and
--                                                        Restarting exclusive
--   pkg/controller.v1/common/job.go                      runPolicy.suspend: Suspended True, then False (Resumed);
--                                                        Failed on backoff limit or active deadline
--   pkg/controller.v1/common/pod.go                      Restarting (restartable replica failed), Failed (exit code)
--   pkg/controller.v1/pytorch/pytorchjob_controller.go   UpdateJobStatus: Running, Succeeded, Restarting, Failed
-- Healthy only once Succeeded is True; Degraded once Failed is True; Suspended while spec.runPolicy.suspend is true
-- (Kueue has not admitted the job, or preempted it) or the Suspended condition is True; Progressing otherwise
-- (created, resumed, running, restarting).
-- Lua 5.1 subset with the base and table libraries only (Argo CD runs health checks without the string library).

local kind = "PyTorchJob"
local waiting = "Waiting for the training operator to create the PyTorchJob's pods"
-- SHARED _conditions.lua: findCondition, isTrue, describe (inserted here when the script is loaded)
-- SHARED _kubeflow_job.lua: the status rules of a Kubeflow job (inserted here when the script is loaded)
