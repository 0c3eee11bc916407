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

-- SHARED: findCondition, isTrue, describe (_conditions.lua, inserted here when the script is loaded)

local hs = { status = "Progressing", message = "Waiting for the training operator to create the PyTorchJob's pods" }

local failed = findCondition("Failed")
if isTrue(failed) then
  hs.status = "Degraded"
  hs.message = describe(failed, "PyTorchJob failed")
  return hs
end

local succeeded = findCondition("Succeeded")
if isTrue(succeeded) then
  hs.status = "Healthy"
  hs.message = describe(succeeded, "PyTorchJob succeeded")
  return hs
end

local suspended = findCondition("Suspended")
local runPolicy = nil
if type(obj.spec) == "table" and type(obj.spec.runPolicy) == "table" then
  runPolicy = obj.spec.runPolicy
end
if (runPolicy ~= nil and runPolicy.suspend == true) or isTrue(suspended) then
  hs.status = "Suspended"
  hs.message = describe(suspended, "PyTorchJob is suspended (waiting for Kueue to admit it)")
  return hs
end

local conditionTypes = { "Restarting", "Running", "Created" }
for _, conditionType in ipairs(conditionTypes) do
  local condition = findCondition(conditionType)
  if isTrue(condition) then
    hs.message = describe(condition, "PyTorchJob is " .. conditionType)
    return hs
  end
end
if suspended ~= nil then
  hs.message = describe(suspended, hs.message)
end
return hs
