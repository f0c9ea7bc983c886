-- Pandoc filter for board papers in Typst (see paper.typ for the functions it calls).
-- 1. Number the body's paragraphs 1, 2, 3 … across headings, as board papers do;
--    paragraphs after a level-2 heading starting "Appendix" are not numbered, and each
--    such heading starts a new page marked for the running header.
-- 2. Show ::: {.source} divs (under tables and charts) in the template's source style.
-- 3. A link to a place in the paper that names it in another case (#Next-Steps for
--    the heading "Next steps") goes to it; one to no place at all keeps only its text,
--    since Typst refuses a link to a label that does not exist.
-- 4. Maths carries its TeX source as alt text; 5. so does a Markdown image its own.
local function key(target)
  return target:lower():gsub("[%s%-]+", "-")
end

local function resolve_links(doc)
  local ids = {}
  local function add(id)
    if id and id ~= "" then ids[key(id)] = ids[key(id)] or id end
  end
  doc:walk({
    Block = function(b) if b.identifier then add(b.identifier) end end,
    Inline = function(i) if i.identifier then add(i.identifier) end end,
    RawBlock = function(r)
      for label in r.text:gmatch("<([%w_:%.%-]+)>") do add(label) end
    end,
  })
  return doc:walk({
    Link = function(link)
      if link.target:sub(1, 1) ~= "#" then return nil end
      local found = ids[key(link.target:sub(2))]
      if found then
        link.target = "#" .. found
        return link
      end
      return link.content
    end,
  })
end

local function wrap(fn, content)
  local out = pandoc.List({ pandoc.RawBlock("typst", "#" .. fn .. "[") })
  out:extend(content)
  out:insert(pandoc.RawBlock("typst", "]"))
  return out
end

function Pandoc(doc)
  doc = resolve_links(doc)
  local blocks = pandoc.List()
  local in_appendix = false
  for _, block in ipairs(doc.blocks) do
    local text = pandoc.utils.stringify(block)
    if block.t == "Header" and block.level == 2 and text:match("^Appendix") then
      in_appendix = true
      -- Each appendix starts a page, whose running header names it (see paper.typ).
      local label = text:match("^(Appendix%s+[%w]+)") or "Appendix"
      blocks:insert(pandoc.RawBlock("typst",
        "#pagebreak(weak: true)\n#metadata(\"" .. label .. "\") <appendix-start>"))
    end
    if block.t == "Para" and not in_appendix then
      blocks:extend(wrap("numbered", { block }))
    elseif block.t == "Div" and block.classes:includes("source") then
      blocks:extend(wrap("source", block.content))
    else
      blocks:insert(block)
    end
  end
  doc.blocks = blocks
  return doc
end

-- 4. Maths carries its TeX source as alt text: PDF/UA-1 (which Typst checks) requires
--    alt text on every equation, and the source is what a screen reader can speak.
local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", " ") .. '"'
end

function Math(el)
  local written = pandoc.write(pandoc.Pandoc({ pandoc.Plain({ el }) }), "typst"):gsub("%s+$", "")
  if written:sub(1, 1) ~= "$" then
    -- TeX that pandoc cannot read comes back as text: shown as typed (the build warns).
    return pandoc.RawInline("typst", written)
  end
  local block = el.mathtype == "DisplayMath" and "true" or "false"
  return pandoc.RawInline("typst", "#math.equation(block: " .. block .. ", alt: "
    .. typst_string(el.text) .. ", " .. written .. ".body)")
end

-- 5. A Markdown image keeps its alt text (pandoc's Typst writer drops it, and PDF/UA-1
--    refuses an image without it).
function Image(el)
  local alt = pandoc.utils.stringify(el.caption)
  if alt == "" then
    return nil
  end
  return pandoc.RawInline("typst", "#box(image(" .. typst_string(el.src) .. ", alt: "
    .. typst_string(alt) .. "))")
end
