-- Helpers shared by the fleet's health checks: generator/argocd/health-checks.ts inserts them in place of each
-- script's `-- SHARED _conditions.lua` line (Argo CD runs every script alone, so the text is repeated there, not required).
-- Lua 5.1 subset with the base and table libraries only.

local function findCondition(conditionType)
  if type(obj.status) ~= "table" or type(obj.status.conditions) ~= "table" then
    return nil
  end
  for _, condition in ipairs(obj.status.conditions) do
    if type(condition) == "table" and condition.type == conditionType then
      return condition
    end
  end
  return nil
end

local function isTrue(condition)
  return condition ~= nil and condition.status == "True"
end

local function describe(condition, fallback)
  if condition == nil then
    return fallback
  end
  local reason = condition.reason
  local message = condition.message
  if type(message) == "string" and message ~= "" then
    if type(reason) == "string" and reason ~= "" then
      return reason .. ": " .. message
    end
    return message
  end
  if type(reason) == "string" and reason ~= "" then
    return reason
  end
  return fallback
end
