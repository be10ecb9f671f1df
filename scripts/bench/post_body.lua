-- wrk script: POSTs the files named in $BODY_FILES (comma-separated; taken in turn when more
-- than one) as application/json, with "Authorization: Bearer $TOKEN" when TOKEN is set.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("TOKEN")
if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
end

local bodies = {}
for path in string.gmatch(os.getenv("BODY_FILES"), "[^,]+") do
    local file = assert(io.open(path, "rb"))
    table.insert(bodies, file:read("*a"))
    file:close()
end
wrk.body = bodies[1]
if #bodies > 1 then
    local turn = 0
    function request()
        turn = turn % #bodies + 1
        return wrk.format(nil, nil, nil, bodies[turn])
    end
end
