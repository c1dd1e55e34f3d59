-- wrk: POST the same JSON body the notifiers send, spread over 100 channel paths.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.body = '{"title":"本周科技政策","text":"【政策】关于做好2026年度高新技术企业认定申报工作的通知 第1条"}'
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/hook/" .. (n % 100))
end
