-- Argo CD health check for trainer.kubeflow.org/TrainJob (Kubeflow Trainer v2), for the fleet's pipelines.
-- Follows kubeflow/trainer v2.3.0:
--   pkg/apis/trainer/v1alpha1/trainjob_types.go     condition types Suspended, Complete, Failed; reasons Suspended,
--                                                   Resumed, DeadlineExceeded, TrainingRuntimeNotSupported
--   pkg/controller/trainjob_controller.go           setSuspendedCondition (True while spec.suspend, then False with
--                                                   reason Resumed), setFailedCondition, reconcileDeadline
--   pkg/runtime/framework/plugins/jobset/jobset.go  Status: the JobSet's Completed and Failed conditions, copied as
--                                                   Complete and Failed; jobsStatus from replicatedJobsStatus
-- and kubernetes-sigs/jobset v0.12.0 pkg/constants/constants.go for the reasons the JobSet gives (AllJobsCompleted,
-- FailedJobs, ReachedMaxRestarts, FailJobSetFailurePolicyAction).
-- Healthy only once Complete is True; Degraded once Failed is True; Suspended while spec.suspend is true (Kueue has
-- not admitted the job, or preempted it) or the Suspended condition is True; Progressing otherwise (created,
-- resumed, running, restarting).
-- Lua 5.1 subset with the base and table libraries only (Argo CD runs health checks without the string library).

-- SHARED _conditions.lua: findCondition, isTrue, describe (inserted here when the script is loaded)

local function jobsSummary()
  local parts = {}
  if type(obj.status) == "table" and type(obj.status.jobsStatus) == "table" then
    for _, job in ipairs(obj.status.jobsStatus) do
      if type(job) == "table" and job.name ~= nil then
        table.insert(parts, tostring(job.name) .. ": " .. tostring(job.active or 0) .. " active, " ..
          tostring(job.ready or 0) .. " ready, " .. tostring(job.succeeded or 0) .. " succeeded, " ..
          tostring(job.failed or 0) .. " failed")
      end
    end
  end
  return table.concat(parts, "; ")
end

local hs = { status = "Progressing", message = "Waiting for the trainer controller to create the TrainJob's JobSet" }

local failed = findCondition("Failed")
if isTrue(failed) then
  hs.status = "Degraded"
  hs.message = describe(failed, "TrainJob failed")
  return hs
end

local complete = findCondition("Complete")
if isTrue(complete) then
  hs.status = "Healthy"
  hs.message = describe(complete, "TrainJob completed")
  return hs
end

local suspended = findCondition("Suspended")
if (type(obj.spec) == "table" and obj.spec.suspend == true) or isTrue(suspended) then
  hs.status = "Suspended"
  hs.message = describe(suspended, "TrainJob is suspended (waiting for Kueue to admit it)")
  return hs
end

local summary = jobsSummary()
if summary ~= "" then
  hs.message = "TrainJob is running: " .. summary
elseif suspended ~= nil then
  hs.message = describe(suspended, hs.message)
end
return hs
