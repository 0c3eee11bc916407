-- Argo CD health check for ray.io/RayJob (KubeRay), for the fleet's pipelines.
-- Follows ray-project/kuberay v1.7.0:
--   ray-operator/apis/ray/v1/rayjob_types.go        jobStatus (PENDING, RUNNING, STOPPED, SUCCEEDED, FAILED),
--                                                   jobDeploymentStatus (New, Initializing, Running, Complete,
--                                                   Failed, ValidationFailed, Suspending, Suspended, Retrying,
--                                                   Waiting), reason (SubmissionFailed, DeadlineExceeded,
--                                                   PreRunningDeadlineExceeded, AppFailed, ValidationFailed, ...)
--   ray-operator/controllers/ray/rayjob_controller.go  Reconcile: Complete once the Ray job is terminal (SUCCEEDED or
--                                                   STOPPED), Failed when it FAILED (AppFailed) or on a deadline or
--                                                   submission failure; spec.suspend moves Initializing/Running to
--                                                   Suspending, then Suspended; checkBackoffLimitAndUpdateStatusIfNeeded
--                                                   turns a Failed job that may retry into Retrying before the status
--                                                   is written, so a stored Failed is final
-- Healthy only when jobDeploymentStatus is Complete and jobStatus SUCCEEDED; Degraded when Failed,
-- ValidationFailed, or Complete without success (a STOPPED job); Suspended while spec.suspend is true (Kueue has not
-- admitted the job, or preempted it) or the deployment is Suspending/Suspended; Progressing otherwise (New,
-- Initializing, Waiting, Running, Retrying).
-- Lua 5.1 subset with the base and table libraries only (Argo CD runs health checks without the string library).

local function text(value)
  if type(value) == "string" and value ~= "" then
    return value
  end
  return nil
end

local hs = { status = "Progressing", message = "Waiting for KubeRay to start the RayJob" }

local status = {}
if type(obj.status) == "table" then
  status = obj.status
end
local deployment = text(status.jobDeploymentStatus)
local job = text(status.jobStatus)
local detail = text(status.message)
local reason = text(status.reason)

local function explain(prefix)
  local message = prefix
  if reason ~= nil then
    message = message .. " (" .. reason .. ")"
  end
  if detail ~= nil then
    message = message .. ": " .. detail
  end
  return message
end

if deployment == "Complete" then
  if job == "SUCCEEDED" then
    hs.status = "Healthy"
    hs.message = "Ray job succeeded"
  else
    hs.status = "Degraded"
    hs.message = explain("Ray job finished without success, job status " .. (job or "unknown"))
  end
  return hs
end

if deployment == "Failed" or deployment == "ValidationFailed" then
  hs.status = "Degraded"
  hs.message = explain("RayJob " .. deployment)
  return hs
end

if deployment == "Suspended" or deployment == "Suspending" or (type(obj.spec) == "table" and obj.spec.suspend == true) then
  hs.status = "Suspended"
  hs.message = "RayJob is suspended (waiting for Kueue to admit it)"
  if deployment ~= nil then
    hs.message = hs.message .. ", deployment status " .. deployment
  end
  return hs
end

if deployment == "Retrying" then
  hs.message = explain("RayJob is retrying after a failure")
  return hs
end

if deployment ~= nil then
  hs.message = "RayJob deployment status " .. deployment
  if job ~= nil then
    hs.message = hs.message .. ", Ray job status " .. job
  end
end
return hs
