-- Argo CD health check for leaderworkerset.x-k8s.io/LeaderWorkerSet, for the fleet's services and pipelines.
-- Follows kubernetes-sigs/lws v0.10.0:
--   api/leaderworkerset/v1/leaderworkerset_types.go    condition types Available, Progressing, UpdateInProgress;
--                                                      status readyReplicas, updatedReplicas, replicas,
--                                                      observedGeneration
--   pkg/controllers/leaderworkerset_controller.go      updateConditions (UpdateInProgress and Progressing while
--                                                      groups roll, Available once every group is ready and
--                                                      updated), makeCondition (reasons AllGroupsReady,
--                                                      GroupsProgressing, GroupsUpdating), setCondition and
--                                                      exclusiveConditionTypes (Available excludes the other two),
--                                                      updateStatus (observedGeneration)
-- Healthy when Available is True for the current generation; Progressing otherwise. The controller reports no
-- failure condition: a group that cannot start stays Progressing. A LeaderWorkerSet has no suspend.
-- Lua 5.1 subset with the base and table libraries only (Argo CD runs health checks without the string library).

-- SHARED _conditions.lua: findCondition, isTrue, describe (inserted here when the script is loaded)

local hs = { status = "Progressing", message = "Waiting for the LeaderWorkerSet controller to create the groups" }
if type(obj.status) ~= "table" then
  return hs
end

local generation = nil
if type(obj.metadata) == "table" then
  generation = obj.metadata.generation
end
local observed = obj.status.observedGeneration
if type(generation) == "number" and type(observed) == "number" and observed < generation then
  hs.message = "Waiting for the LeaderWorkerSet controller to observe generation " .. tostring(generation)
  return hs
end

local groups = ""
if type(obj.status.readyReplicas) == "number" or type(obj.status.replicas) == "number" then
  groups = " (" .. tostring(obj.status.readyReplicas or 0) .. " of " .. tostring(obj.status.replicas or 0) .. " groups ready)"
end

local available = findCondition("Available")
if isTrue(available) then
  hs.status = "Healthy"
  hs.message = describe(available, "All replicas are ready") .. groups
  return hs
end

local conditionTypes = { "UpdateInProgress", "Progressing" }
for _, conditionType in ipairs(conditionTypes) do
  local condition = findCondition(conditionType)
  if isTrue(condition) then
    hs.message = describe(condition, conditionType) .. groups
    return hs
  end
end
return hs
