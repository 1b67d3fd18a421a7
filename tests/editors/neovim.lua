-- A real editor on `async-lint server` (issue 13): Neovim, headless, opens a file of a
-- fixture crate, waits for the server's diagnostics, edits the buffer (never saved) so
-- that a finding appears and disappears, applies the server's code action, and writes what
-- it saw, one `key value` line per step, to $ASYNC_LINT_OUT for the Rust test to read.
--
--   ASYNC_LINT_BIN=… ASYNC_LINT_ROOT=… ASYNC_LINT_FILE=… ASYNC_LINT_OUT=… \
--     nvim --headless --clean -u NONE -c "luafile tests/editors/neovim.lua"
--
-- Works with `vim.lsp.start` (Neovim 0.8+) and, before it, `vim.lsp.start_client`.

local bin = os.getenv("ASYNC_LINT_BIN")
local root = os.getenv("ASYNC_LINT_ROOT")
local file = os.getenv("ASYNC_LINT_FILE")
local out = os.getenv("ASYNC_LINT_OUT")
local seen = {}

local function say(key, value)
  table.insert(seen, key .. " " .. tostring(value))
end

local function finish()
  local handle = io.open(out, "w")
  handle:write(table.concat(seen, "\n") .. "\n")
  handle:close()
  vim.cmd("qa!")
end

-- Anything that goes wrong is written down too: the test shows it.
local ok, err = pcall(function()
  -- Each publication of diagnostics for the buffer is counted.
  local published = 0
  local default = vim.lsp.handlers["textDocument/publishDiagnostics"]
  vim.lsp.handlers["textDocument/publishDiagnostics"] = function(e, result, ctx, config)
    published = published + 1
    return default(e, result, ctx, config)
  end

  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_option(buf, "filetype", "rust")
  local config = {
    name = "async-lint",
    cmd = { bin, "server" },
    root_dir = root,
    init_options = { debounceMs = 10 },
  }
  local client
  if vim.lsp.start then
    client = vim.lsp.start(config)
  else
    client = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, client)
  end
  say("client", client ~= nil)

  local function ours()
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.source == "async-lint" then
        table.insert(found, d)
      end
    end
    return found
  end
  local function with_rule(rule, line)
    for _, d in ipairs(ours()) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code == rule and d.lnum == line then
        return d
      end
    end
    return nil
  end

  say("published", vim.wait(30000, function() return published > 0 end, 10))
  local base = #ours()
  say("initial", base)

  -- The line after `async fn fetch_status`: a blocking sleep typed in.
  local at
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if line:find("async fn fetch_status", 1, true) then
      at = i
      break
    end
  end
  local sleep = "    std::thread::sleep(std::time::Duration::from_millis(5));"
  vim.api.nvim_buf_set_lines(buf, at, at, false, { sleep })
  say("appeared", vim.wait(30000, function() return with_rule("blocking_sleep", at) ~= nil end, 10))
  say("count_with_finding", #ours())

  vim.api.nvim_buf_set_lines(buf, at, at + 1, false, {})
  say("disappeared", vim.wait(30000, function() return #ours() == base end, 10))

  vim.api.nvim_buf_set_lines(buf, at, at, false, { sleep })
  say("appeared_again", vim.wait(30000, function() return with_rule("blocking_sleep", at) ~= nil end, 10))

  -- The server's code actions on that line; the preferred one (the fix) applied.
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = at, character = 0 }, ["end"] = { line = at, character = 0 } },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 30000) or {}
  local fix, titles = nil, {}
  for _, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do
      table.insert(titles, action.title)
      if action.isPreferred then
        fix = action
      end
    end
  end
  say("actions", table.concat(titles, " | "))
  if fix then
    vim.lsp.util.apply_workspace_edit(fix.edit, "utf-16")
  end
  say("fixed_line", vim.api.nvim_buf_get_lines(buf, at, at + 1, false)[1])
  say("gone_after_action", vim.wait(30000, function() return #ours() == base end, 10))
end)
if not ok then
  say("error", err)
end
finish()
