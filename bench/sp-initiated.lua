-- wrk script: every request is a fresh SP-initiated sign-in over HTTP-Redirect. The AuthnRequest
-- (unique ID, current IssueInstant) is DEFLATE-encoded as one stored block (RFC 1951 3.2.4: valid
-- DEFLATE the IdP inflates like any other), base64- and URL-encoded. Set by bench/wrk.ts:
-- FEDMETA_BENCH_PATH (/samlp/<client_id>), FEDMETA_BENCH_ISSUER (the SP entityID), FEDMETA_BENCH_COOKIE.
local path = os.getenv("FEDMETA_BENCH_PATH")
local issuer = os.getenv("FEDMETA_BENCH_ISSUER")
local cookie = os.getenv("FEDMETA_BENCH_COOKIE")
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local counter = 0
math.randomseed(os.time())
local prefix = string.format("_b%08x", math.random(0, 0x7fffffff))

local function base64(data)
  local out = {}
  for i = 1, #data, 3 do
    local a, b, c = data:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local s1, s2, s3, s4 = math.floor(n / 262144) % 64, math.floor(n / 4096) % 64, math.floor(n / 64) % 64, n % 64
    out[#out + 1] = alphabet:sub(s1 + 1, s1 + 1) .. alphabet:sub(s2 + 1, s2 + 1)
      .. (b and alphabet:sub(s3 + 1, s3 + 1) or "=") .. (c and alphabet:sub(s4 + 1, s4 + 1) or "=")
  end
  return table.concat(out)
end

local function stored_deflate(data)
  local len = #data
  local nlen = 65535 - len
  return string.char(1, len % 256, math.floor(len / 256), nlen % 256, math.floor(nlen / 256)) .. data
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

request = function()
  counter = counter + 1
  local xml = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="'
    .. prefix .. "_" .. counter .. '" Version="2.0" IssueInstant="' .. os.date("!%Y-%m-%dT%H:%M:%SZ") .. '"><saml:Issuer>'
    .. issuer .. "</saml:Issuer></samlp:AuthnRequest>"
  local query = "?SAMLRequest=" .. urlencode(base64(stored_deflate(xml)))
  return wrk.format("GET", path .. query, { ["Cookie"] = cookie })
end

-- The smoke (FEDMETA_BENCH_CHECK=1) wants every answer to be the signed-response form (200), not a
-- redirect to the login page or an error: each other status is written out for bench/wrk.ts to see.
if os.getenv("FEDMETA_BENCH_CHECK") == "1" then
  response = function(status, headers, body)
    if status ~= 200 or not body:find('name="SAMLResponse"', 1, true) then
      io.write("unexpected answer: status " .. status .. "\n")
    end
  end
end
