-- Pandoc filter for board papers in Typst (see paper.typ for the functions it calls).
-- 1. Number the body's paragraphs 1, 2, 3 … across headings, as board papers do;
--    paragraphs after a level-2 heading starting "Appendix" are not numbered.
-- 2. Show ::: {.source} divs (under tables and charts) in the template's source style.
local function wrap(fn, content)
  local out = pandoc.List({ pandoc.RawBlock("typst", "#" .. fn .. "[") })
  out:extend(content)
  out:insert(pandoc.RawBlock("typst", "]"))
  return out
end

function Pandoc(doc)
  local blocks = pandoc.List()
  local in_appendix = false
  for _, block in ipairs(doc.blocks) do
    if block.t == "Header" and block.level == 2
        and pandoc.utils.stringify(block):match("^Appendix") then
      in_appendix = true
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
