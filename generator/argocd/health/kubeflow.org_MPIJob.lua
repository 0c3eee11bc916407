-- Argo CD health check for kubeflow.org/MPIJob (MPI operator, v2beta1), for the fleet's pipelines. The health key
-- has no version: the training operator's v1 MPIJob, which sets the same condition types and spec.runPolicy.suspend,
-- is covered too.
-- Follows kubeflow/mpi-operator v0.8.0:
--   pkg/apis/kubeflow/v2beta1/types.go          condition types Created, Running, Restarting, Succeeded, Suspended,
--                                               Failed; spec.runPolicy.suspend
--   pkg/controller/mpi_job_controller_status.go reasons MPIJobCreated, MPIJobRunning, MPIJobSucceeded, MPIJobFailed,
--                                               MPIJobSuspended, MPIJobResumed, MPIJobEvicted; setCondition (a
--                                               Succeeded condition turns Running and Failed to False)
--   pkg/controller/mpi_job_controller.go        updateMPIJobStatus: Suspended True while suspended, False (Resumed)
--                                               after; Succeeded when the launcher Job succeeded; Failed when it
--                                               failed (reason from the launcher Job, e.g. BackoffLimitExceeded) or
--                                               a worker was evicted; Running once launcher and workers run
-- Healthy only once Succeeded is True; Degraded once Failed is True; Suspended while spec.runPolicy.suspend is true
-- (Kueue has not admitted the job, or preempted it) or the Suspended condition is True; Progressing otherwise
-- (created, resumed, running, restarting).
-- Lua 5.1 subset with the base and table libraries only (Argo CD runs health checks without the string library).
-- SHARED: findCondition, isTrue, describe (_conditions.lua, inserted here when the script is loaded)

local hs = { status = "Progressing", message = "Waiting for the MPI operator to create the MPIJob's launcher and workers" }

local failed = findCondition("Failed")
if isTrue(failed) then
  hs.status = "Degraded"
  hs.message = describe(failed, "MPIJob failed")
  return hs
end

local succeeded = findCondition("Succeeded")
if isTrue(succeeded) then
  hs.status = "Healthy"
  hs.message = describe(succeeded, "MPIJob succeeded")
  return hs
end

local suspended = findCondition("Suspended")
local runPolicy = nil
if type(obj.spec) == "table" and type(obj.spec.runPolicy) == "table" then
  runPolicy = obj.spec.runPolicy
end
if (runPolicy ~= nil and runPolicy.suspend == true) or isTrue(suspended) then
  hs.status = "Suspended"
  hs.message = describe(suspended, "MPIJob is suspended (waiting for Kueue to admit it)")
  return hs
end

local conditionTypes = { "Restarting", "Running", "Created" }
for _, conditionType in ipairs(conditionTypes) do
  local condition = findCondition(conditionType)
  if isTrue(condition) then
    hs.message = describe(condition, "MPIJob is " .. conditionType)
    return hs
  end
end
if suspended ~= nil then
  hs.message = describe(suspended, hs.message)
end
return hs
