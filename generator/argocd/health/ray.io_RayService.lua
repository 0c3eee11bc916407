-- Argo CD health check for ray.io/RayService (KubeRay), for the fleet's services and pipelines.
-- Follows ray-project/kuberay v1.7.0:
--   ray-operator/apis/ray/v1/rayservice_types.go         condition types Ready, UpgradeInProgress, RollbackInProgress,
--                                                        Suspending, Suspended; reasons Initializing,
--                                                        InitializingTimeout, ZeroServeEndpoints,
--                                                        NonZeroServeEndpoints, ValidationFailed, SuspendRequested,
--                                                        SuspendInProgress, SuspendComplete, ...; serviceStatus
--                                                        (deprecated, "Running" equals Ready)
--   ray-operator/controllers/ray/rayservice_controller.go Reconcile (ValidationFailed), handleSuspend,
--                                                        calculateStatus (observedGeneration), calculateConditions
--                                                        (Ready True once serve endpoints exist),
--                                                        markFailedOnInitializingTimeout (a terminal failure)
-- Healthy when Ready is True for the current generation and no upgrade is in progress; Degraded when Ready is False
-- for a reason the controller does not recover from (ValidationFailed, InitializingTimeout); Suspended while
-- spec.suspend is true or Suspending/Suspended is True; Progressing otherwise (initializing, upgrading, zero serve
-- endpoints).
-- Lua 5.1 subset with the base and table libraries only (Argo CD runs health checks without the string library).

-- SHARED _conditions.lua: findCondition, isTrue, describe (inserted here when the script is loaded)

local hs = { status = "Progressing", message = "Waiting for KubeRay to start the RayService" }

local suspended = findCondition("Suspended")
local suspending = findCondition("Suspending")
if (type(obj.spec) == "table" and obj.spec.suspend == true) or isTrue(suspended) or isTrue(suspending) then
  hs.status = "Suspended"
  if isTrue(suspended) then
    hs.message = describe(suspended, "RayService is suspended")
  else
    hs.message = describe(suspending, "RayService is suspended")
  end
  return hs
end

local ready = findCondition("Ready")
if ready == nil then
  -- an operator before KubeRay 1.3 writes no conditions, only serviceStatus
  if type(obj.status) == "table" and obj.status.serviceStatus == "Running" then
    hs.status = "Healthy"
    hs.message = "RayService is running"
  end
  return hs
end

if ready.status == "False" and (ready.reason == "ValidationFailed" or ready.reason == "InitializingTimeout") then
  hs.status = "Degraded"
  hs.message = describe(ready, "RayService failed")
  return hs
end

if isTrue(ready) then
  local generation = nil
  if type(obj.metadata) == "table" then
    generation = obj.metadata.generation
  end
  local observed = obj.status.observedGeneration
  if type(generation) == "number" and type(observed) == "number" and observed < generation then
    hs.message = "Waiting for KubeRay to observe generation " .. tostring(generation)
    return hs
  end
  local upgrade = findCondition("UpgradeInProgress")
  if isTrue(upgrade) then
    hs.message = describe(upgrade, "Upgrade in progress")
    return hs
  end
  hs.status = "Healthy"
  hs.message = describe(ready, "RayService is ready")
  return hs
end

hs.message = describe(ready, hs.message)
return hs
