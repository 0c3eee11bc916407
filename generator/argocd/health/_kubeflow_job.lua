-- The status rules shared by the Kubeflow job kinds (the training operator's PyTorchJob, the MPI operator's MPIJob):
-- both controllers set the condition types Created, Running, Restarting, Succeeded, Suspended and Failed, with
-- spec.runPolicy.suspend. generator/argocd/health-checks.ts inserts this in place of a script's SHARED line; the
-- script defines `kind` and `waiting` (its message before the first condition) above it.
-- Lua 5.1 subset with the base and table libraries only.

local hs = { status = "Progressing", message = waiting }

local failed = findCondition("Failed")
if isTrue(failed) then
  hs.status = "Degraded"
  hs.message = describe(failed, kind .. " failed")
  return hs
end

local succeeded = findCondition("Succeeded")
if isTrue(succeeded) then
  hs.status = "Healthy"
  hs.message = describe(succeeded, kind .. " succeeded")
  return hs
end

local suspended = findCondition("Suspended")
local runPolicy = nil
if type(obj.spec) == "table" and type(obj.spec.runPolicy) == "table" then
  runPolicy = obj.spec.runPolicy
end
if (runPolicy ~= nil and runPolicy.suspend == true) or isTrue(suspended) then
  hs.status = "Suspended"
  hs.message = describe(suspended, kind .. " is suspended (waiting for Kueue to admit it)")
  return hs
end

local conditionTypes = { "Restarting", "Running", "Created" }
for _, conditionType in ipairs(conditionTypes) do
  local condition = findCondition(conditionType)
  if isTrue(condition) then
    hs.message = describe(condition, kind .. " is " .. conditionType)
    return hs
  end
end
if suspended ~= nil then
  hs.message = describe(suspended, hs.message)
end
return hs
