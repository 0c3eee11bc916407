-- Argo CD health check for batch/Job, replacing Argo CD's built-in one for the fleet's pipelines.
-- Argo CD v3.4.4 gitops-engine/pkg/health/health_job.go (getBatchv1JobHealth) counts a Job as finished as soon as it
-- has a Suspended condition, whatever its status: a Job that Kueue created suspended and then admitted carries
-- Suspended=False (reason JobResumed) while it runs, and the built-in check reports it Healthy, so the next
-- pipeline step would start while it still runs.
-- Follows the Kubernetes Job controller, kubernetes/kubernetes pkg/controller/job/job_controller.go (syncJob:
-- Suspended True "JobSuspended" while spec.suspend, False "JobResumed" after; FailureTarget then Failed; SuccessCriteriaMet
-- then Complete) and the condition types of k8s.io/api batch/v1 types.go (Suspended, Complete, Failed, FailureTarget,
-- SuccessCriteriaMet).
-- Healthy only once Complete is True; Degraded once Failed or FailureTarget is True (the Job is failing: its
-- remaining pods are terminating); Suspended while spec.suspend is true (Kueue has not admitted the Job, or
-- preempted it) or Suspended is True; Progressing otherwise (created, resumed, running, success criteria met but
-- pods still terminating). The same answers as the built-in check on its own test data otherwise.
-- Lua 5.1 subset with the base and table libraries only (Argo CD runs health checks without the string library).

-- SHARED _conditions.lua: findCondition, isTrue, describe (inserted here when the script is loaded)

local function describeJob(condition, fallback)
  if condition == nil then
    return fallback
  end
  local message = condition.message
  if type(message) == "string" and message ~= "" then
    return message
  end
  local reason = condition.reason
  if type(reason) == "string" and reason ~= "" then
    return reason
  end
  return fallback
end

local hs = { status = "Progressing", message = "Waiting for the Job to start" }

local failed = findCondition("Failed")
if isTrue(failed) then
  hs.status = "Degraded"
  hs.message = describeJob(failed, "Job failed")
  return hs
end
local failureTarget = findCondition("FailureTarget")
if isTrue(failureTarget) then
  hs.status = "Degraded"
  hs.message = describeJob(failureTarget, "Job is failing")
  return hs
end

local complete = findCondition("Complete")
if isTrue(complete) then
  hs.status = "Healthy"
  hs.message = describeJob(complete, "Job completed")
  return hs
end

local suspended = findCondition("Suspended")
if (type(obj.spec) == "table" and obj.spec.suspend == true) or isTrue(suspended) then
  hs.status = "Suspended"
  hs.message = describeJob(suspended, "Job is suspended (waiting for Kueue to admit it)")
  return hs
end

if type(obj.status) == "table" and (type(obj.status.active) == "number" or type(obj.status.succeeded) == "number" or type(obj.status.failed) == "number") then
  hs.message = "Job is running: " .. tostring(obj.status.active or 0) .. " active, " ..
    tostring(obj.status.succeeded or 0) .. " succeeded, " .. tostring(obj.status.failed or 0) .. " failed"
end
return hs
